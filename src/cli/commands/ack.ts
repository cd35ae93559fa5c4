import type { Command } from 'commander';
import { action, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';

export function registerAck(program: Command): void {
  program
    .command('ack')
    .description(
      'Acknowledge the notices about a certificate: someone has it in hand, so what was sent about it escalates no further.',
    )
    .argument(
      '<fingerprint-prefix>',
      'at least 4 hex digits of the SHA-256 fingerprint (colons and case are ignored)',
    )
    .option('--by <name>', 'who takes it in hand (default: your user name)')
    .option('--json', 'print {"fingerprintSha256","subject","by","at"}')
    .addHelpText('after', examples('custos ack 3f2a9c01', 'custos ack 3F:2A:9C:01 --by alice@corp.example'))
    .action(
      action(async (prefix: string, options: { by?: string; json?: boolean }, command: Command) => {
        const [{ withBackend }, { acknowledgeCertificate }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/notify/acknowledge-certificate.js'),
        ]);
        const ack = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const done = await acknowledgeCertificate(rt, {
              fingerprintPrefix: prefix,
              by: options.by ?? rt.user,
              actor: rt.actor,
            });
            return {
              fingerprintSha256: done.fingerprintSha256,
              subject: done.subject,
              by: done.by,
              at: done.at.toISOString(),
            };
          },
          remote: (api, deps) =>
            api.request<{ fingerprintSha256: string; subject: string; by: string; at: string }>({
              method: 'POST',
              path: '/v1/findings/ack',
              body: { fingerprint: prefix, by: options.by ?? deps.user },
            }),
        });
        if (options.json) {
          printJson(ack);
        } else {
          printLine(
            `acknowledged ${ack.fingerprintSha256} (${ack.subject}) by ${ack.by}: its notices escalate no further`,
          );
        }
        return EXIT.ok;
      }),
    );
}

import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';
import { TOKEN_GROUP } from './token.js';

interface BootstrapOptions {
  identity: string;
  ttl: string;
  provisioner?: string;
  json?: boolean;
}

export function registerTokenBootstrap(program: Command): void {
  commandGroup(program, 'token', TOKEN_GROUP)
    .command('bootstrap')
    .description(
      'Make a one-time bootstrap token: its holder (a device, a first start) may ask the built-in CA once for a certificate of --identity, until --ttl runs out. The token is printed once and never again: Custos keeps only its SHA-256, and the audit trail names it by a short id (docs/provisioners.md).',
    )
    .requiredOption('--identity <name>', 'the identity the certificate is for, e.g. sensor-0042')
    .requiredOption('--ttl <duration>', 'how long the token can be redeemed: 15m, 1h, 7d (at most 30d)')
    .option('--provisioner <name>', 'a provisioner of type bootstrap whose limits apply', 'bootstrap')
    .option('--json', 'print {token, id, provisioner, identity, expiresAt}')
    .addHelpText(
      'after',
      examples(
        'custos token bootstrap --identity sensor-0042 --ttl 15m',
        'TOKEN=$(custos token bootstrap --identity payments-api --ttl 1h --json | jq -r .token)',
      ) +
        '\nHand the token over a channel you trust (it is a password until used). Redeemed once, it is spent; unknown, used\nand expired tokens are all refused with CUSTOS_TOKEN_INVALID.\n',
    )
    .action(
      action(async (options: BootstrapOptions, command: Command) => {
        const ttlMs = parseDuration(options.ttl, '--ttl');
        const [{ withBackend }, { createBootstrapToken }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/provisioners/create-bootstrap-token.js'),
        ]);
        const provisioner = options.provisioner === undefined ? {} : { provisioner: options.provisioner };
        const created = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const made = await createBootstrapToken(rt, {
              identity: options.identity,
              ttlMs,
              ...provisioner,
            });
            return {
              token: made.token,
              id: made.id,
              provisioner: made.provisioner,
              identity: made.identity,
              expiresAt: made.expiresAt.toISOString(),
            };
          },
          remote: (api) =>
            api.request<{
              token: string;
              id: string;
              provisioner: string;
              identity: string;
              expiresAt: string;
            }>({
              method: 'POST',
              path: '/v1/bootstrap-tokens',
              body: { identity: options.identity, ttl: options.ttl, ...provisioner },
            }),
        });
        if (options.json) printJson(created);
        else {
          printLine(created.token);
          process.stderr.write(
            `bootstrap token ${created.id} for identity ${created.identity} (provisioner ${created.provisioner}), redeemable once until ${created.expiresAt}; it is not shown again\n`,
          );
        }
        return EXIT.ok;
      }),
    );
}

import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';

export function registerOwners(program: Command): void {
  const owners = commandGroup(program, 'owners', 'who owns which certificate');
  owners
    .command('assign')
    .description('Assign an owner to one certificate explicitly; an assignment beats every ownership rule.')
    .argument(
      '<fingerprint-prefix>',
      'at least 4 hex digits of the SHA-256 fingerprint (colons and case are ignored)',
    )
    .argument('<owner>', 'the Owner name (see `custos get owners`)')
    .option('--json', 'print {"fingerprintSha256","owner","previousOwner"}')
    .addHelpText('after', examples('custos owners assign 3f2a9c01 payments'))
    .action(
      action(async (prefix: string, owner: string, options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { assignOwner }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ownership/assign-owner.js'),
        ]);
        const result = await withBackend(globalOptions(command), {
          local: (rt) => assignOwner(rt, { fingerprintPrefix: prefix, owner, actor: rt.actor }),
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof assignOwner>>>({
              method: 'POST',
              path: `/v1/certificates/${encodeURIComponent(prefix)}/owner`,
              body: { owner },
            }),
        });
        if (options.json) printJson(result);
        else
          printLine(
            `${result.fingerprintSha256}: owner ${result.previousOwner ?? '(none)'} -> ${result.owner}`,
          );
        return EXIT.ok;
      }),
    );
}

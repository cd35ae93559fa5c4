import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';
import { counted } from '../../core/plural.js';

export function registerIdentitiesDestroy(program: Command): void {
  commandGroup(program, 'identities', 'identities: the services, workloads and devices certificates are for')
    .command('destroy')
    .description(
      'An identity is gone for good: each of its managed certificates is torn down as `managed delete --revoke` does (every revision revoked, reason cessationOfOperation; files removed from every destination; endpoints probed), every other certificate the built-in CA issued for it is revoked, and the Identity is deleted (audited identity.destroyed). Exit 1 when an endpoint still serves one of its certificates or a destination could not be cleared.',
    )
    .argument('<name>', 'the Identity name')
    .option(
      '--json',
      'print {identity, managed: [{name, revoked, destinations, stillServed}], revoked: [fingerprint], stillServed: [{managed, host, port, sni, revision, servedFingerprint}]}',
    )
    .addHelpText(
      'after',
      examples('custos identities destroy payments-api', 'custos identities destroy edge-17 --json'),
    )
    .action(
      action(async (name: string, options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { managedDependencies }, { destroyIdentity }] = await Promise.all([
          import('../runtime.js'),
          import('../../compose/managed.js'),
          import('../../core/managed/destroy-identity.js'),
        ]);
        const result = await withBackend(globalOptions(command), {
          local: async (rt) => destroyIdentity(await managedDependencies(rt), name),
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof destroyIdentity>>>({
              method: 'POST',
              path: `/v1/identities/${encodeURIComponent(name)}/destroy`,
            }),
        });
        const cleared = result.managed.every((m) => m.destinations.every((d) => d.ok));
        if (options.json) printJson(result);
        else {
          printLine(
            `identity ${name} destroyed: ${counted(result.managed.length, 'managed certificate')} torn down, ${counted(result.revoked.length, 'certificate')} revoked (cessationOfOperation)`,
          );
          for (const m of result.managed)
            for (const d of m.destinations)
              printLine(
                `  ${m.name}: ${d.ok ? 'removed' : 'FAILED '} ${d.target}${d.error === null ? '' : `: ${d.error}`}`,
              );
          for (const e of result.stillServed)
            printLine(
              `  still served: ${e.host}:${e.port}${e.sni ? ` (${e.sni})` : ''} serves revision ${e.revision} of ${e.managed} (${e.servedFingerprint})`,
            );
        }
        return result.stillServed.length === 0 && cleared ? EXIT.ok : EXIT.found;
      }),
    );
}

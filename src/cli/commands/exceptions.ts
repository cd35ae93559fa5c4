import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable } from '../output.js';
import { counted } from '../../core/plural.js';

export function registerExceptions(program: Command): void {
  const exceptions = commandGroup(program, 'exceptions', 'approved, expiring waivers of finding codes');
  exceptions
    .command('list')
    .description(
      'List the exceptions with their state: active, expiring (within 14 days) or expired (no longer waiving).',
    )
    .option(
      '--json',
      'print [{"name","state","expires","waives","scope","reason","compensatingControl","approver"}]',
    )
    .addHelpText('after', examples('custos exceptions list', 'custos exceptions list --json'))
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const [{ withRuntime }, { exceptionState }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/exceptions/waivers.js'),
        ]);
        const rows = await withRuntime(globalOptions(command), async (rt) => {
          const now = rt.clock.now();
          return (await rt.store.objects.list('Exception')).map(({ object }) => ({
            name: object.metadata.name,
            state: exceptionState(object, now),
            ...object.spec,
          }));
        });
        if (options.json) printJson(rows);
        else {
          printTable(
            ['NAME', 'STATE', 'EXPIRES', 'WAIVES', 'APPROVER', 'REASON'],
            rows.map((r) => [r.name, r.state, r.expires, r.waives.join(','), r.approver, r.reason]),
          );
          printLine(counted(rows.length, 'exception'));
        }
        return EXIT.ok;
      }),
    );
}

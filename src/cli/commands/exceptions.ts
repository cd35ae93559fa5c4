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
        const [{ withBackend }, { listExceptions }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/exceptions/list-exceptions.js'),
        ]);
        const rows = await withBackend(globalOptions(command), {
          local: (rt) => listExceptions(rt),
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof listExceptions>>>({
              method: 'GET',
              path: '/v1/exception-states',
            }),
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

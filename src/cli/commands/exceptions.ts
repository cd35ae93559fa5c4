import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import type { ExceptionListing } from '../../core/exceptions/list-exceptions.js';
import {
  byFields,
  EXIT,
  listingOptions,
  listingOutput,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';
import { counted } from '../../core/plural.js';

/** `-o wide` adds the scope and the compensating control. */
const EXCEPTIONS: Listing<ExceptionListing> = {
  columns: [
    { header: 'NAME', value: (r) => r.name },
    { header: 'STATE', value: (r) => r.state },
    { header: 'EXPIRES', value: (r) => r.expires },
    { header: 'WAIVES', value: (r) => r.waives.join(',') },
    { header: 'APPROVER', value: (r) => r.approver },
    { header: 'SCOPE', value: (r) => JSON.stringify(r.scope), in: 'wide' },
    { header: 'COMPENSATING CONTROL', value: (r) => r.compensatingControl, in: 'wide' },
    { header: 'REASON', value: (r) => r.reason },
  ],
  sortBy: byFields<ExceptionListing>('name', 'state', 'expires', 'approver'),
  summary: (rows) => counted(rows.length, 'exception'),
};

export function registerExceptions(program: Command): void {
  const exceptions = commandGroup(program, 'exceptions', 'approved, expiring waivers of finding codes');
  const list = exceptions
    .command('list')
    .description(
      'List the exceptions with their state: active, expiring (within 14 days) or expired (no longer waiving).',
    )
    .option(
      '--json',
      'print [{"name","state","expires","waives","scope","reason","compensatingControl","approver"}]',
    );
  listingOptions(list, sortFields(EXCEPTIONS))
    .addHelpText(
      'after',
      examples(
        'custos exceptions list',
        'custos exceptions list --json',
        'custos exceptions list --sort-by expires -o wide',
      ),
    )
    .action(
      action(async (options: ListingFlags, command: Command) => {
        const output = listingOutput(options, sortFields(EXCEPTIONS));
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
        await printListing(rows, EXCEPTIONS, output);
        return EXIT.ok;
      }),
    );
}

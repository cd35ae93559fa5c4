import type { Command } from 'commander';
import { JOB_TABLE_HEADER, jobRow, type JobView } from '../../core/jobs/job-view.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import {
  byFields,
  columnsOf,
  EXIT,
  listingOptions,
  listingOutput,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';

/** `-o wide` adds the lease, the dedup key and when the job was created. */
const JOBS: Listing<JobView> = {
  columns: [
    ...columnsOf(JOB_TABLE_HEADER, jobRow),
    { header: 'LEASE UNTIL', value: (v) => v.leaseUntil ?? '-', in: 'wide' },
    { header: 'DEDUP KEY', value: (v) => v.dedupKey ?? '-', in: 'wide' },
    { header: 'CREATED', value: (v) => v.createdAt, in: 'wide' },
  ],
  sortBy: byFields<JobView>('id', 'kind', 'status', 'attempts', 'nextRunAt', 'createdAt'),
  summary: (views) => {
    const count = (status: string) => views.filter((v) => v.status === status).length;
    return `${views.length} jobs: ${count('queued')} queued, ${count('running')} running, ${count('failed')} failed`;
  },
};

export function registerJobs(program: Command): void {
  const list = commandGroup(
    program,
    'jobs',
    'the durable work queued in the store: notice deliveries, follow-up work',
  )
    .command('list')
    .description(
      'Show the queued, running and failed jobs with their kind, attempts, next run and last error (a completed job is removed; a failed one is kept for inspection).',
    )
    .option(
      '--json',
      'print a JSON array of {id, kind, status, attempts, maxAttempts, nextRunAt, leaseUntil, worker, lastError, dedupKey, createdAt, payload}',
    );
  listingOptions(list, sortFields(JOBS))
    .addHelpText(
      'after',
      examples(
        'custos jobs list',
        'custos jobs list --json | jq \'.[] | select(.status == "failed")\'',
        'custos jobs list --sort-by nextRunAt -o wide',
      ),
    )
    .action(
      action(async (options: ListingFlags, command: Command) => {
        const output = listingOutput(options, sortFields(JOBS));
        const [{ withBackend }, { jobView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/jobs/job-view.js'),
        ]);
        const views = await withBackend(globalOptions(command), {
          local: async (rt) => (await rt.store.jobs.list()).map(jobView),
          remote: (api) => api.request<JobView[]>({ method: 'GET', path: '/v1/jobs' }),
        });
        await printListing(views, JOBS, output);
        return EXIT.ok;
      }),
    );
}

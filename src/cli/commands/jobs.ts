import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable } from '../output.js';

export function registerJobs(program: Command): void {
  commandGroup(program, 'jobs', 'the durable work queued in the store: notice deliveries, follow-up work')
    .command('list')
    .description(
      'Show the queued, running and failed jobs with their kind, attempts, next run and last error (a completed job is removed; a failed one is kept for inspection).',
    )
    .option(
      '--json',
      'print a JSON array of {id, kind, status, attempts, maxAttempts, nextRunAt, leaseUntil, worker, lastError, dedupKey, createdAt, payload}',
    )
    .addHelpText(
      'after',
      examples('custos jobs list', 'custos jobs list --json | jq \'.[] | select(.status == "failed")\''),
    )
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { jobView, jobRow, JOB_TABLE_HEADER }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/jobs/job-view.js'),
        ]);
        const views = await withBackend(globalOptions(command), {
          local: async (rt) => (await rt.store.jobs.list()).map(jobView),
          remote: (api) =>
            api.request<Array<ReturnType<typeof jobView>>>({ method: 'GET', path: '/v1/jobs' }),
        });
        if (options.json) {
          printJson(views);
          return EXIT.ok;
        }
        printTable(JOB_TABLE_HEADER, views.map(jobRow));
        const count = (status: string) => views.filter((v) => v.status === status).length;
        printLine(
          `${views.length} jobs: ${count('queued')} queued, ${count('running')} running, ${count('failed')} failed`,
        );
        return EXIT.ok;
      }),
    );
}

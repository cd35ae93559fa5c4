/**
 * A job worker in a process of its own, for the two-process test of the job queue: opens the store named by
 * argv[2] (JSON StoreOptions), drains the `test.work` jobs, appending `id worker` to the file argv[3] for each job
 * it works on, and exits when none is due. Its work takes a few milliseconds, so two workers overlap.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../../src/connectors/system/system-clock.js';
import { drainJobs } from '../../../src/core/jobs/drain-jobs.js';
import { openStore } from '../../../src/store/open-store.js';

const [options, output, worker] = process.argv.slice(2) as [string, string, string];
const store = await openStore(JSON.parse(options) as Parameters<typeof openStore>[0]);
try {
  const summary = await drainJobs(
    { jobs: store.jobs, clock: systemClock, random: { float: () => 0.5 } },
    {
      worker,
      handlers: {
        'test.work': async (job) => {
          appendFileSync(output, `${job.id} ${worker}\n`);
          await sleep(3);
        },
      },
    },
  );
  process.stdout.write(JSON.stringify(summary));
} finally {
  await store.close();
}

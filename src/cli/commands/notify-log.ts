import type { Command } from 'commander';
import { DELIVERY_TABLE_HEADER, deliveryRow, type DeliveryView } from '../../core/notify/delivery-view.js';
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

/** `-o wide` adds the whole subject, the notice key, the first attempt and when it was sent. */
const DELIVERIES: Listing<DeliveryView> = {
  columns: [
    ...columnsOf(DELIVERY_TABLE_HEADER, deliveryRow),
    { header: 'FULL SUBJECT', value: (v) => v.subject, in: 'wide' },
    { header: 'FIRST ATTEMPT', value: (v) => v.firstAttemptAt, in: 'wide' },
    { header: 'SENT', value: (v) => v.sentAt ?? '-', in: 'wide' },
    { header: 'NOTICE', value: (v) => v.notice, in: 'wide' },
  ],
  sortBy: byFields<DeliveryView>(
    'lastAttemptAt',
    'firstAttemptAt',
    'status',
    'attempts',
    'level',
    'reason',
    'owner',
    'channel',
    'subject',
  ),
  summary: (views) => {
    const failed = views.filter((v) => v.status === 'failed').length;
    return `${views.length} deliveries: ${views.length - failed} sent, ${failed} failed`;
  },
};

export function registerNotifyLog(program: Command): void {
  const log = commandGroup(
    program,
    'notify',
    'notices to owners: expiry, findings, expiring exceptions, escalation',
  )
    .command('log')
    .description(
      'Show every delivery of every notice and its result: sent, or failed with the last error (failed ones are retried by a later `notify run` once their backoff has passed; custos jobs list shows when).',
    )
    .option(
      '--json',
      'print a JSON array of {notice, subject, reason, level, owner, channel, contact, status, attempts, lastError, firstAttemptAt, lastAttemptAt, sentAt}',
    );
  listingOptions(log, sortFields(DELIVERIES))
    .addHelpText(
      'after',
      examples(
        'custos notify log',
        'custos notify log --json | jq \'.[] | select(.status == "failed")\'',
        'custos notify log --sort-by owner -o wide',
      ),
    )
    .action(
      action(async (options: ListingFlags, command: Command) => {
        const output = listingOutput(options, sortFields(DELIVERIES));
        const [{ withBackend }, { deliveryView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/notify/delivery-view.js'),
        ]);
        const views = await withBackend(globalOptions(command), {
          local: async (rt) => (await rt.store.notifications.deliveries()).map(deliveryView),
          remote: (api) => api.request<DeliveryView[]>({ method: 'GET', path: '/v1/notifications' }),
        });
        await printListing(views, DELIVERIES, output);
        return EXIT.ok;
      }),
    );
}

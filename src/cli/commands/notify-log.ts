import type { Command } from 'commander';
import type { DeliveryView } from '../../core/notify/delivery-view.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable } from '../output.js';

export function registerNotifyLog(program: Command): void {
  commandGroup(program, 'notify', 'notices to owners: expiry, findings, expiring exceptions, escalation')
    .command('log')
    .description(
      'Show every delivery of every notice and its result: sent, or failed with the last error (failed ones are retried by the next `notify run`).',
    )
    .option(
      '--json',
      'print a JSON array of {notice, subject, reason, level, owner, channel, contact, status, attempts, lastError, firstAttemptAt, lastAttemptAt, sentAt}',
    )
    .addHelpText(
      'after',
      examples('custos notify log', 'custos notify log --json | jq \'.[] | select(.status == "failed")\''),
    )
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { deliveryView, deliveryRow, DELIVERY_TABLE_HEADER }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/notify/delivery-view.js'),
        ]);
        const views = await withBackend(globalOptions(command), {
          local: async (rt) => (await rt.store.notifications.deliveries()).map(deliveryView),
          remote: (api) => api.request<DeliveryView[]>({ method: 'GET', path: '/v1/notifications' }),
        });
        if (options.json) {
          printJson(views);
          return EXIT.ok;
        }
        printTable(DELIVERY_TABLE_HEADER, views.map(deliveryRow));
        const failed = views.filter((v) => v.status === 'failed').length;
        printLine(`${views.length} deliveries: ${views.length - failed} sent, ${failed} failed`);
        return EXIT.ok;
      }),
    );
}

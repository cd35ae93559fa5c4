import type { Command } from 'commander';
import { currentUser } from '../current-user.js';
import { DomainError } from '../../core/errors.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable } from '../output.js';
import { counted } from '../../core/plural.js';

interface NotifyRunOptions {
  thresholds: string;
  json?: boolean;
}

function parseThresholds(text: string): number[] {
  const days = text.split(',').map((part) => part.trim());
  if (days.length === 0 || days.some((d) => !/^[1-9][0-9]{0,4}$/.test(d))) {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `--thresholds: "${text}" is not a list of whole days`, {
      hint: 'give days before notAfter separated by commas, e.g. 30,14,7,3,1',
    });
  }
  return days.map(Number);
}

export function registerNotifyRun(program: Command): void {
  commandGroup(program, 'notify', 'notices to owners: expiry, findings, expiring exceptions, escalation')
    .command('run')
    .description(
      'Send the notices due now: expiry at the tightest threshold crossed, expired certificates, new findings, exceptions expiring within 14 days, and escalations of unacknowledged notices. ' +
        'Each notice goes once per contact; failed deliveries are retried (3 tries with backoff, then again on the next run). ' +
        'Email needs CUSTOS_SMTP_URL (smtp://host:port) and CUSTOS_SMTP_FROM. Exits 1 when a delivery failed.',
    )
    .option('--thresholds <days>', 'days before notAfter at which expiry notices go', '30,14,7,3,1')
    .option(
      '--json',
      'print {"due","sent","failed","escalations","deliveries":[...]} (deliveries as in notify log --json)',
    )
    .addHelpText(
      'after',
      examples(
        'CUSTOS_SMTP_URL=smtp://mail.corp.example:25 CUSTOS_SMTP_FROM=custos@corp.example custos notify run',
        'custos notify run --thresholds 60,30,7 --json',
      ),
    )
    .action(
      action(async (options: NotifyRunOptions, command: Command) => {
        const thresholdsDays = parseThresholds(options.thresholds);
        const [{ withRuntime }, { runNotifications }, { inventoryNoticeSources }, registry, view] =
          await Promise.all([
            import('../runtime.js'),
            import('../../core/notify/run-notifications.js'),
            import('../../core/notify/inventory-notice-sources.js'),
            import('../../connectors/notifier-registry.js'),
            import('../../core/notify/delivery-view.js'),
          ]);
        const notifiers = registry.buildNotifierRegistry(process.env);
        const summary = await withRuntime(globalOptions(command), (rt) =>
          runNotifications(
            {
              store: rt.store,
              clock: rt.clock,
              sleep: registry.sleep,
              notifiers,
              sources: inventoryNoticeSources(rt.store),
            },
            { actor: `cli:${currentUser()}`, thresholdsDays },
          ),
        );
        const deliveries = summary.deliveries.map(view.deliveryView);
        if (options.json) {
          printJson({ ...summary, deliveries });
        } else {
          if (deliveries.length > 0) printTable(view.DELIVERY_TABLE_HEADER, deliveries.map(view.deliveryRow));
          printLine(
            `${counted(summary.due, 'notice')} due: ${summary.sent} sent, ${summary.failed} failed (${counted(summary.escalations, 'escalation')})`,
          );
        }
        return summary.failed > 0 ? EXIT.found : EXIT.ok;
      }),
    );
}

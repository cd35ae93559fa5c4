import type { Command } from 'commander';
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
        'Each notice goes once per contact, also when several runs overlap (a run claims its notices before sending). ' +
        'They go out as one digest per owner and contact: a table of the certificates due, most urgent first, each with every location and when it was last seen there, what to do, and its custos ack line. ' +
        'Failed deliveries are retried: 3 tries with backoff within the run, then by a later run after a wait that doubles from 1 minute (see custos jobs list). ' +
        'Email needs smtp.url and smtp.from in custos.yaml (or CUSTOS_SMTP_URL and CUSTOS_SMTP_FROM). Exits 1 when a delivery failed.',
    )
    .option('--thresholds <days>', 'days before notAfter at which expiry notices go', '30,14,7,3,1')
    .option(
      '--json',
      'print {"due","deferred","sent","failed","escalations","deliveries":[...]} (deliveries as in notify log --json)',
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
        const [{ withBackend }, { runNotifications }, { inventoryNoticeSources }, view] = await Promise.all([
          import('../runtime.js'),
          import('../../core/notify/run-notifications.js'),
          import('../../core/notify/inventory-notice-sources.js'),
          import('../../core/notify/delivery-view.js'),
        ]);
        const summary = await withBackend(globalOptions(command), {
          local: async (rt) =>
            view.runSummaryView(
              await runNotifications(
                { ...rt, sources: inventoryNoticeSources(rt.store) },
                { actor: rt.actor, worker: rt.worker, thresholdsDays },
              ),
            ),
          remote: (api) =>
            api.request<ReturnType<typeof view.runSummaryView>>({
              method: 'POST',
              path: '/v1/notifications/run',
              body: { thresholds: thresholdsDays },
            }),
        });
        const deliveries = summary.deliveries;
        if (options.json) {
          printJson(summary);
        } else {
          if (deliveries.length > 0) printTable(view.DELIVERY_TABLE_HEADER, deliveries.map(view.deliveryRow));
          printLine(
            `${counted(summary.due, 'notice')} due: ${summary.sent} sent, ${summary.failed} failed (${counted(summary.escalations, 'escalation')})` +
              (summary.deferred > 0
                ? `; ${summary.deferred} left to another run or waiting for their retry (custos jobs list)`
                : ''),
          );
        }
        return summary.failed > 0 ? EXIT.found : EXIT.ok;
      }),
    );
}

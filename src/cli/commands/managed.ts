import type { Command } from 'commander';
import type { ReconcileReport } from '../../core/managed/reconcile-until-settled.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import type { ManagedListItem } from '../../core/managed/managed-view.js';
import {
  byFields,
  EXIT,
  fingerprintColumns,
  listingOptions,
  listingOutput,
  printJson,
  printLine,
  printListing,
  printTable,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';
import { counted } from '../../core/plural.js';

const GROUP =
  'managed certificates: renewed, deployed and verified live on every endpoint (kind: ManagedCertificate)';

/** `-o wide` adds the whole fingerprint and the issuer. */
const MANAGED: Listing<ManagedListItem> = {
  columns: [
    { header: 'NAME', value: (i) => i.name },
    { header: 'READY', value: (i) => i.ready },
    { header: 'REASON', value: (i) => i.reason },
    { header: 'REVISION', value: (i) => (i.revision === null ? '-' : String(i.revision)) },
    ...fingerprintColumns<ManagedListItem>((i) => i.fingerprintSha256),
    { header: 'ISSUER', value: (i) => i.issuer, in: 'wide' },
    { header: 'RENEWAL', value: (i) => i.renewalTime ?? '-' },
    { header: 'NEXT RETRY', value: (i) => i.nextRetry ?? '-' },
  ],
  sortBy: byFields<ManagedListItem>(
    'name',
    'ready',
    'reason',
    'revision',
    'renewalTime',
    'nextRetry',
    'issuer',
  ),
  summary: (items) =>
    `${counted(items.length, 'managed certificate')}, ${items.filter((i) => i.ready === 'True').length} ready`,
};

export function registerManaged(program: Command): void {
  const group = commandGroup(program, 'managed', GROUP);

  const list = group
    .command('list')
    .description('Show every managed certificate with its readiness, revision, renewal time and next retry.')
    .option(
      '--json',
      'print a JSON array of {name, ready, reason, revision, fingerprintSha256, renewalTime, nextRetry, issuer}',
    );
  listingOptions(list, sortFields(MANAGED))
    .addHelpText(
      'after',
      examples(
        'custos managed list',
        'custos managed list --json | jq \'.[] | select(.ready != "True")\'',
        'custos managed list --sort-by renewalTime -o wide',
      ),
    )
    .action(
      action(async (options: ListingFlags, command: Command) => {
        const output = listingOutput(options, sortFields(MANAGED));
        const [{ withBackend }, { managedSpecs }, { managedListItem }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/managed/load-managed.js'),
          import('../../core/managed/managed-view.js'),
        ]);
        const items = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const statuses = new Map((await rt.store.managed.statuses()).map((s) => [s.name, s]));
            return (await managedSpecs(rt.store.objects)).map((m) =>
              managedListItem(m.name, m.spec.issuerRef.name, statuses.get(m.name) ?? null),
            );
          },
          remote: (api) => api.request<ManagedListItem[]>({ method: 'GET', path: '/v1/managed' }),
        });
        await printListing(items, MANAGED, output);
        return EXIT.ok;
      }),
    );

  group
    .command('status')
    .description(
      'Show the conditions (Ready, Issuing, DeployedPartially, Failed), revision and stale endpoints of one.',
    )
    .argument('<name>', 'the ManagedCertificate name')
    .option(
      '--json',
      'print exactly {"conditions":[{type,status,reason,message,lastTransitionTime}],"revision":N,"fingerprintSha256","staleEndpoints":[{host,port,sni,servedFingerprint}]} (a contract for scripts)',
    )
    .addHelpText(
      'after',
      examples(
        'custos managed status web',
        'custos managed status web --json | jq -r \'.conditions[] | select(.type == "Ready") | .status\'',
      ),
    )
    .action(
      action(async (name: string, options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { managedSpec }, { managedStatusView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/managed/load-managed.js'),
          import('../../core/managed/managed-view.js'),
        ]);
        const { status, renewal, previous, nextRetry } = await withBackend(globalOptions(command), {
          local: async (rt) => {
            await managedSpec(rt.store.objects, name);
            const s = await rt.store.managed.status(name);
            return {
              status: managedStatusView(s),
              renewal: s?.renewalTime?.toISOString() ?? null,
              previous: s?.previousRevision ?? null,
              nextRetry: s?.nextRetry?.toISOString() ?? null,
            };
          },
          // The API answers the status contract; the renewal time and retry are in `managed list`.
          remote: async (api) => ({
            status: await api.request<ReturnType<typeof managedStatusView>>({
              method: 'GET',
              path: `/v1/managed/${encodeURIComponent(name)}`,
            }),
            renewal: null,
            previous: null,
            nextRetry: null,
          }),
        });
        if (options.json) {
          printJson(status);
          return EXIT.ok;
        }
        printLine(`ManagedCertificate ${name}`);
        printLine(
          `  revision ${status.revision ?? '-'}${status.fingerprintSha256 ? ` (${status.fingerprintSha256})` : ''}, previous ${previous ?? '-'}`,
        );
        printLine(`  renewal time ${renewal ?? '-'}, next retry ${nextRetry ?? '-'}`);
        printTable(
          ['CONDITION', 'STATUS', 'REASON', 'SINCE', 'MESSAGE'],
          status.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime, c.message]),
        );
        for (const e of status.staleEndpoints)
          printLine(
            `  stale: ${e.host}:${e.port}${e.sni ? ` (${e.sni})` : ''} serves ${e.servedFingerprint ?? 'nothing readable'}`,
          );
        return EXIT.ok;
      }),
    );

  group
    .command('renew')
    .description(
      'Ask for a new revision of a managed certificate now, whatever its renewal window; the next `managed reconcile` (or `serve`) issues, deploys and verifies it.',
    )
    .argument('<name>', 'the ManagedCertificate name')
    .addHelpText('after', examples('custos managed renew web && custos managed reconcile'))
    .action(
      action(async (name: string, _options: unknown, command: Command) => {
        const [{ withBackend }, { requestRenewal }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/managed/request-renewal.js'),
        ]);
        await withBackend(globalOptions(command), {
          local: (rt) => requestRenewal(rt, name),
          remote: async (api) => {
            await api.request({ method: 'POST', path: `/v1/managed/${encodeURIComponent(name)}/renew` });
          },
        });
        printLine(`renewal of ${name} requested; run \`custos managed reconcile\` to carry it out now`);
        return EXIT.ok;
      }),
    );

  group
    .command('rollback')
    .description(
      'Make the previous revision current again (if still valid): the next `managed reconcile` (or `serve`) deploys it to every destination, reloads and verifies it.',
    )
    .argument('<name>', 'the ManagedCertificate name')
    .option('--json', 'print {from, to, fingerprintSha256}')
    .addHelpText('after', examples('custos managed rollback web && custos managed reconcile'))
    .action(
      action(async (name: string, options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { rollbackManaged }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/managed/rollback-managed.js'),
        ]);
        const result = await withBackend(globalOptions(command), {
          local: (rt) => rollbackManaged(rt, name),
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof rollbackManaged>>>({
              method: 'POST',
              path: `/v1/managed/${encodeURIComponent(name)}/rollback`,
            }),
        });
        if (options.json) printJson(result);
        else
          printLine(
            `${name}: revision ${result.to} is current again (was ${result.from}); run \`custos managed reconcile\` to deploy and verify it now`,
          );
        return EXIT.ok;
      }),
    );

  group
    .command('delete')
    .description(
      'Tear a managed certificate down: with --revoke every revision is revoked (reason cessationOfOperation), its files are removed from every destination (each reload runs), the object, status and revisions are deleted (audited), then every verify endpoint is probed. Exit 1 when an endpoint still serves one of its revisions (named in the output).',
    )
    .argument('<name>', 'the ManagedCertificate name')
    .option('--revoke', 'revoke every revision at its issuer first (reason cessationOfOperation)')
    .option(
      '--json',
      'print {name, revoked: [fingerprint], destinations: [{target, ok, files, error}], stillServed: [{host, port, sni, revision, servedFingerprint}]}',
    )
    .addHelpText(
      'after',
      examples('custos managed delete web --revoke', 'custos managed delete web --json | jq .stillServed'),
    )
    .action(
      action(async (name: string, options: { revoke?: boolean; json?: boolean }, command: Command) => {
        const [{ withBackend }, { managedDependencies }, { deleteManaged }] = await Promise.all([
          import('../runtime.js'),
          import('../../compose/managed.js'),
          import('../../core/managed/delete-managed.js'),
        ]);
        const result = await withBackend(globalOptions(command), {
          local: async (rt) =>
            deleteManaged(await managedDependencies(rt), name, { revoke: options.revoke === true }),
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof deleteManaged>>>({
              method: 'DELETE',
              path: `/v1/managed/${encodeURIComponent(name)}`,
              query: { revoke: options.revoke === true || undefined },
            }),
        });
        if (options.json) printJson(result);
        else {
          printLine(
            `${name} deleted${result.revoked.length > 0 ? `; ${counted(result.revoked.length, 'revision')} revoked (cessationOfOperation)` : ''}`,
          );
          for (const d of result.destinations)
            printLine(
              `  ${d.ok ? 'removed' : 'FAILED '} ${d.target}${d.error === null ? '' : `: ${d.error}`}`,
            );
          for (const e of result.stillServed)
            printLine(
              `  still served: ${e.host}:${e.port}${e.sni ? ` (${e.sni})` : ''} serves revision ${e.revision} (${e.servedFingerprint})`,
            );
        }
        return result.stillServed.length === 0 && result.destinations.every((d) => d.ok)
          ? EXIT.ok
          : EXIT.found;
      }),
    );

  group
    .command('reconcile')
    .description(
      'Run the reconciler in the foreground until every managed certificate has settled: Ready, DeployedPartially waiting for its retry, or Failed. Trust bundles (kind TrustBundle) are delivered first. Exit 0 when all are Ready and no bundle failed, 1 otherwise (or when the timeout ran out).',
    )
    .option('--timeout <duration>', 'give up after this long (steps already recorded stay recorded)', '60s')
    .option(
      '--json',
      'print {managed: [{name, state, ready, reason, revision, nextRunAt}], bundles: [{name, state, sha256, certificates, destinations, error}], jobs}',
    )
    .addHelpText(
      'after',
      examples('custos managed reconcile', 'custos managed reconcile --timeout 5m --json'),
    )
    .action(
      action(async (options: { timeout: string; json?: boolean }, command: Command) => {
        const [{ withBackend }, { managedDependencies }, { reconcileUntilSettled }, { parseDuration }] =
          await Promise.all([
            import('../runtime.js'),
            import('../../compose/managed.js'),
            import('../../core/managed/reconcile-until-settled.js'),
            import('../../core/duration.js'),
          ]);
        const timeoutMs = parseDuration(options.timeout, '--timeout');
        const { managed, bundles, jobs } = await withBackend(globalOptions(command), {
          local: async (rt) =>
            reconcileUntilSettled(await managedDependencies(rt), {
              worker: rt.worker,
              timeoutMs,
              timeout: options.timeout,
            }),
          remote: (api) =>
            api.request<ReconcileReport>({
              method: 'POST',
              path: '/v1/managed/reconcile',
              body: { timeout: options.timeout },
              // The server works for up to the timeout, then answers.
              timeoutMs: timeoutMs + 60_000,
            }),
        });
        if (options.json) printJson({ managed, bundles, jobs });
        else {
          printTable(
            ['NAME', 'READY', 'REASON', 'REVISION', 'NEXT RUN'],
            managed.map((m) => [
              m.name,
              m.ready,
              m.reason,
              m.revision === null ? '-' : String(m.revision),
              m.nextRunAt ?? '-',
            ]),
          );
          for (const b of bundles)
            printLine(
              `trust bundle ${b.name}: ${b.state}${b.state === 'failed' ? ` (${b.error ?? b.destinations.flatMap((d) => (d.error === null ? [] : [`${d.target}: ${d.error}`])).join('; ')})` : ''}`,
            );
        }
        return managed.every((m) => m.ready === 'True') && bundles.every((b) => b.state !== 'failed')
          ? EXIT.ok
          : EXIT.found;
      }),
    );
}

import type { Command } from 'commander';
import type { CertificateView } from '../../core/inventory/certificate-view.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { displayName, EXIT, printJson, printLine, printTable, shortFingerprint } from '../output.js';
import { parseWindowFlag, parseTime, positiveInteger, relativeDays } from '../parse-flags.js';
import { counted } from '../../core/plural.js';
import { locationText } from '../../core/inventory/location-text.js';
import { DomainError } from '../../core/errors.js';
import { extensionRows } from '../extension-rows.js';

interface ListOptions {
  expiringWithin?: string;
  finding?: string;
  at?: string;
  includeRetired?: boolean;
  expiringSoon: string;
  json?: boolean;
  owner?: string;
  unowned?: boolean;
  limit?: string;
}

/** One location, or how many; with `unreachable since T` when a TLS location has stopped answering. */
function locationsText(locations: CertificateView['locations']): string {
  const unreachable = locations
    .map((l) => l.unreachableSince)
    .filter((t): t is string => t !== undefined)
    .sort();
  const where =
    locations.length === 1
      ? locationText(locations[0] as CertificateView['locations'][number])
      : counted(locations.length, 'location');
  if (unreachable.length === 0) return where;
  const which = locations.length === 1 ? '' : `${unreachable.length} `;
  return `${where} (${which}unreachable since ${unreachable[0] as string})`;
}

function printInventory(views: CertificateView[], now: Date, includeRetired: boolean): void {
  printTable(
    [
      'FINGERPRINT',
      'NOT AFTER',
      'EXPIRES',
      'SUBJECT',
      'OWNER',
      'LOCATIONS',
      'FINDINGS',
      ...(includeRetired ? ['ENDED'] : []),
    ],
    views.map((v) => [
      shortFingerprint(v.fingerprintSha256),
      v.notAfter.slice(0, 10),
      relativeDays(new Date(v.notAfter), now),
      displayName(v),
      v.owner ?? '-',
      locationsText(v.locations),
      v.findings.map((f) => (f.waivedBy === undefined ? f.code : `${f.code}(waived)`)).join(',') || '-',
      ...(includeRetired ? [v.retiredAt ?? '-'] : []),
    ]),
  );
  printLine(counted(views.length, 'certificate'));
}

export function registerInventory(program: Command): void {
  const inventory = commandGroup(program, 'inventory', 'query the certificate inventory');
  inventory
    .command('list')
    .description(
      'List the certificates installed now (or at --at), where each one is, and what is wrong with it. Expiry findings are judged at the moment asked about.',
    )
    .option(
      '--expiring-within <duration>',
      'only certificates expiring within this time (expired ones included), e.g. 30d',
    )
    .option(
      '--finding <code>',
      'only certificates with this finding code (expired, weak-key, key-mismatch, ...)',
    )
    .option('--at <time>', 'answer for a past moment from the sighting history, e.g. 2026-10-01T00:00:00Z')
    .option(
      '--include-retired',
      'also list certificates no longer seen anywhere, with their ended sightings (ENDED column, retiredAt in JSON)',
    )
    .option('--expiring-soon <duration>', 'window of the expiring-soon finding', '30d')
    .option('--owner <name>', 'only certificates of this owner (see `custos get owners`)')
    .option('--unowned', 'only certificates no rule, assignment or identity gives an owner')
    .option('--limit <n>', 'at most n certificates, those expiring first (a first page)')
    .option('--json', 'print a JSON array of certificates (the fields documented in docs/cli.md)')
    .addHelpText(
      'after',
      examples(
        'custos inventory list --expiring-within 30d',
        'custos inventory list --limit 100',
        'custos inventory list --finding key-type-not-allowed --json | jq -r ".[].fingerprintSha256"',
        'custos inventory list --at 2026-10-01T00:00:00Z --json',
        'custos inventory list --unowned',
      ),
    )
    .action(
      action(async (options: ListOptions, command: Command) => {
        const [{ withBackend }, { listInventory }, { allPages }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/list-inventory.js'),
          import('../remote-pages.js'),
        ]);
        const input = {
          expiringWithinMs:
            options.expiringWithin !== undefined
              ? parseWindowFlag(options.expiringWithin, '--expiring-within')
              : undefined,
          finding: options.finding,
          at: options.at !== undefined ? parseTime(options.at, '--at') : undefined,
          includeRetired: options.includeRetired === true,
          expiringSoonDays: parseWindowFlag(options.expiringSoon, '--expiring-soon') / 86_400_000,
          owner: options.owner,
          unowned: options.unowned === true,
          limit:
            options.limit === undefined
              ? undefined
              : positiveInteger(options.limit, '--limit', 1_000_000_000),
        };
        const { views, now } = await withBackend(globalOptions(command), {
          local: async (rt) => ({ views: await listInventory(rt, input), now: input.at ?? rt.clock.now() }),
          // The pages of the API are the stored evaluation of now; another moment or window is judged by the server.
          remote: async (api, deps) => {
            const filters = {
              owner: options.owner,
              finding: options.finding,
              expiringWithin: options.expiringWithin,
              includeRetired: input.includeRetired || undefined,
              unowned: input.unowned || undefined,
            };
            const views =
              input.at !== undefined || options.expiringSoon !== '30d'
                ? await api.request<CertificateView[]>({
                    method: 'GET',
                    path: '/v1/inventory',
                    query: {
                      ...filters,
                      at: input.at?.toISOString(),
                      expiringSoon: options.expiringSoon,
                      limit: input.limit,
                    },
                  })
                : await allPages<CertificateView>(api, '/v1/certificates', filters, input.limit);
            return { views, now: input.at ?? deps.clock.now() };
          },
        });
        if (options.json) printJson(views);
        else printInventory(views, now, input.includeRetired);
        return EXIT.ok;
      }),
    );

  inventory
    .command('show')
    .description(
      'Show one certificate, by fingerprint prefix: its fields, every place it was seen (history included) and its findings.',
    )
    .argument(
      '<fingerprint-prefix>',
      'at least 4 hex digits of the SHA-256 fingerprint (colons and case are ignored)',
    )
    .option(
      '--json',
      'print the certificate as JSON (the fields of inventory list --json, plus fingerprintSha1, extensions and pem)',
    )
    .option('--pem', 'print only the stored certificate as PEM (for openssl x509 -text and the like)')
    .addHelpText(
      'after',
      examples(
        'custos inventory show 3f2a9c',
        'custos inventory show 3F:2A:9C:01 --json',
        'custos inventory show 3f2a9c --pem | openssl x509 -noout -text',
      ),
    )
    .action(
      action(async (prefix: string, options: { json?: boolean; pem?: boolean }, command: Command) => {
        if (options.json && options.pem)
          throw new DomainError('CUSTOS_USAGE', '--json and --pem cannot be given together');
        const [{ withBackend }, { showCertificate }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/show-certificate.js'),
        ]);
        const { view, now } = await withBackend(globalOptions(command), {
          local: async (rt) => ({ view: await showCertificate(rt, { prefix }), now: rt.clock.now() }),
          // The server's answer is the same certificate with more beside it (chain, managed status, audit trail).
          remote: async (api, deps) => ({
            view: await api.request<Awaited<ReturnType<typeof showCertificate>>>({
              method: 'GET',
              path: `/v1/certificates/${encodeURIComponent(prefix)}`,
            }),
            now: deps.clock.now(),
          }),
        });
        if (options.json) {
          printJson(view);
          return EXIT.ok;
        }
        if (options.pem) {
          process.stdout.write(view.pem);
          return EXIT.ok;
        }
        const rows: Array<[string, string]> = [
          ['fingerprint', view.fingerprintSha256],
          ['SHA-1', view.fingerprintSha1],
          ['subject', view.subject],
          ['issuer', view.issuer],
          ['serial', view.serialNumber],
          ['names', view.subjectAltNames.join(', ') || '-'],
          [
            'valid',
            `${view.notBefore} .. ${view.notAfter} (expires ${relativeDays(new Date(view.notAfter), now)})`,
          ],
          ['key', `${view.keyAlgorithm} ${view.keySize ?? '?'}`],
          ['signature', view.signatureAlgorithm],
          ['CA', view.isCA ? 'yes' : 'no'],
          ['self-signed', view.selfSigned ? 'yes' : 'no'],
        ];
        if (view.spiffeId) rows.push(['SPIFFE ID', view.spiffeId]);
        rows.push(...extensionRows(view.extensions));
        for (const [k, v] of rows) printLine(`${k.padEnd(14)} ${v}`);
        printLine();
        printTable(
          ['LOCATION', 'FIRST SEEN', 'LAST SEEN', 'ENDED', 'WHY'],
          view.locations.map((l) => [
            locationText(l),
            l.firstSeen,
            l.lastSeen,
            l.endedAt ?? '-',
            l.endReason ??
              (l.unreachableSince === undefined ? '-' : `unreachable since ${l.unreachableSince}`),
          ]),
        );
        if (view.keyLocations.length > 0) {
          printLine();
          printTable(
            ['PRIVATE KEY AT', 'PAIRED WITH', 'FIRST SEEN', 'LAST SEEN'],
            view.keyLocations.map((l) => [
              locationText(l),
              l.pairedWith?.map((p) => `${p.certificatePath} (${p.layout})`).join(', ') ?? '-',
              l.firstSeen,
              l.lastSeen,
            ]),
          );
        }
        printLine();
        if (view.findings.length === 0) printLine('no findings');
        else
          printTable(
            ['FINDING', 'SEVERITY', 'MESSAGE'],
            view.findings.map((f) => [f.code, f.severity, f.message]),
          );
        return EXIT.ok;
      }),
    );
}

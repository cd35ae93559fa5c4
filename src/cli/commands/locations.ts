import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import type { LocationListing } from '../../core/list-locations.js';
import { LOCATION_KINDS as KINDS, type LocationKind } from '../../core/inventory/location.js';
import { counted } from '../../core/plural.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import {
  byFields,
  EXIT,
  findingCodes,
  listingOptions,
  listingOutput,
  printJson,
  printLine,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';

function kindOf(text: string | undefined): LocationKind | undefined {
  if (text === undefined) return undefined;
  const kind = KINDS.find((k) => k === text);
  if (kind === undefined)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `--kind: "${text}" is not one of ${KINDS.join(', ')}`);
  return kind;
}

const status = (l: LocationListing): string =>
  l.unreachableSince === undefined
    ? 'ok'
    : `unreachable since ${l.unreachableSince} (${l.lastFailure ?? 'failed'}, ${counted(l.failedProbes ?? 0, 'probe')})`;

/** `-o wide` adds the kind and when something was first seen there. */
const LOCATIONS: Listing<LocationListing> = {
  columns: [
    { header: 'LOCATION', value: (l) => l.locationKey },
    { header: 'KIND', value: (l) => l.kind, in: 'wide' },
    { header: 'CERTIFICATES', value: (l) => String(l.certificates) },
    { header: 'KEYS', value: (l) => String(l.keys) },
    { header: 'FIRST SEEN', value: (l) => l.firstSeen, in: 'wide' },
    { header: 'LAST SEEN', value: (l) => l.lastSeen },
    { header: 'STATUS', value: status },
    { header: 'FINDINGS', value: (l) => findingCodes(l.findings) },
  ],
  sortBy: byFields<LocationListing>(
    'locationKey',
    'kind',
    'certificates',
    'keys',
    'firstSeen',
    'lastSeen',
    'unreachableSince',
  ),
  summary: (rows) => counted(rows.length, 'location'),
};

export function registerLocations(program: Command): void {
  const locations = commandGroup(
    program,
    'locations',
    'where certificates are installed or served: list them, forget mistaken ones',
  );
  const list = locations
    .command('list')
    .description(
      'List the locations something is sighted at now (files, TLS endpoints by host, port and SNI name, ...), how ' +
        'many certificates and keys each holds, when it was last seen, whether a TLS location stopped answering, ' +
        'and what was found wrong with what it served.',
    )
    .option('--kind <kind>', `only locations of this kind: ${KINDS.join(', ')}`)
    .option('--unreachable', 'only TLS locations whose last probes failed')
    .option(
      '--json',
      'print [{"locationKey","kind",...location,"certificates","keys","firstSeen","lastSeen","unreachableSince"?,"failedProbes"?,"lastFailure"?,"findings"}]',
    );
  listingOptions(list, sortFields(LOCATIONS))
    .addHelpText(
      'after',
      examples(
        'custos locations list',
        'custos locations list --kind tls --unreachable',
        'custos locations list --sort-by -lastSeen -o wide',
        'custos locations list --json | jq -r ".[].locationKey"',
      ),
    )
    .action(
      action(async (options: { kind?: string; unreachable?: boolean } & ListingFlags, command: Command) => {
        const output = listingOutput(options, sortFields(LOCATIONS));
        const input = { kind: kindOf(options.kind), unreachable: options.unreachable === true };
        const [{ withBackend }, { listLocations }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/list-locations.js'),
        ]);
        const rows = await withBackend(globalOptions(command), {
          local: (rt) => listLocations(rt, input),
          remote: (api) =>
            api.request<LocationListing[]>({
              method: 'GET',
              path: '/v1/locations',
              query: { kind: input.kind, unreachable: input.unreachable || undefined },
            }),
        });
        await printListing(rows, LOCATIONS, output);
        return EXIT.ok;
      }),
    );

  locations
    .command('forget')
    .description(
      'Forget locations scanned by mistake or taken down: every open sighting there ends (history kept, reason ' +
        '"forgotten"), the findings about what they served are dropped, and each is audited. A location is named ' +
        'by its key as `locations list` prints it, a file path, or host:port (every SNI name probed there). Nothing ' +
        'is forgotten when one of them names no location (CUSTOS_NOT_FOUND).',
    )
    .argument('<location...>', 'tls:10.0.0.5:443:, 10.0.0.5:443, /etc/ssl/old.pem')
    .option('--json', 'print [{"locationKey","ended"}]')
    .addHelpText(
      'after',
      examples('custos locations forget 127.0.0.1:8443', 'custos locations forget tls:web.corp.test:443:'),
    )
    .action(
      action(async (selectors: string[], options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { forgetLocations }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/forget-locations.js'),
        ]);
        const forgotten = await withBackend(globalOptions(command), {
          local: (rt) => forgetLocations(rt, { selectors, actor: rt.actor }),
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof forgetLocations>>>({
              method: 'POST',
              path: '/v1/locations/forget',
              body: { locations: selectors },
            }),
        });
        if (options.json) printJson(forgotten);
        else
          for (const f of forgotten)
            printLine(`forgot ${f.locationKey}: ${counted(f.ended, 'sighting')} ended`);
        return EXIT.ok;
      }),
    );
}

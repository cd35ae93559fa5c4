import { ownKeyBeside } from './inventory/key-beside.js';
import { servedAsLeaf } from './inventory/served-as-leaf.js';
import { certificateFindings, DEFAULT_EXPIRING_WITHIN_DAYS } from './findings/certificate-findings.js';
import { certificateView, keyLocationView, type CertificateView } from './inventory/certificate-view.js';
import { pairKeys, type ConfiguredKeyPair, type KeyPair } from './key-pairing/key-pairs.js';
import { directoryOf } from './inventory/file-path.js';
import type { Sighting } from './inventory/sighting.js';
import { locationKey, probedByBareAddress } from './inventory/location.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { InventoryEntry, InventorySort, ServedFinding } from './ports/inventory-store.js';
import type { Evaluation } from './evaluation/evaluation.js';
import type { Finding } from './findings/finding.js';
import { governance, readGovernance } from './ownership/governance.js';
import { readManagedFindings } from './managed/managed-findings.js';

export interface ListInventoryDeps {
  store: Store;
  clock: Clock;
}

export interface ListInventoryInput {
  /** Only certificates whose notAfter falls within this many milliseconds of the moment judged (expired ones too). */
  expiringWithinMs?: number;
  /** Only certificates with this finding. */
  finding?: string;
  /** The moment to answer for (an auditor's question); default now. */
  at?: Date;
  /** Only certificates whose fingerprint starts with this prefix. */
  fingerprintPrefix?: string;
  includeRetired?: boolean;
  /** The `expiring-soon` window in days (default 30). */
  expiringSoonDays?: number;
  /** Only certificates of this owner. */
  owner?: string;
  /** Only certificates nobody owns. */
  unowned?: boolean;
  /** The order (default notAfter, then fingerprint): the store sorts, so `limit` keeps the first in this order. */
  sort?: InventorySort;
  /** At most this many, the first in the order of `sort` (a first page). */
  limit?: number;
}

/**
 * The inventory as seen at a moment: the certificates installed then, where, and what was wrong with each at that
 * moment (expiry is judged at `at`, not now).
 */
export async function listInventory(
  deps: ListInventoryDeps,
  input: ListInventoryInput,
): Promise<CertificateView[]> {
  const at = input.at ?? deps.clock.now();
  // Now, the stored evaluations answer the owner filters in the query (as the API's pages do); a past moment is
  // judged here, and so is a finding: those filters apply after the query, so the limit does too.
  const ownerInQuery = input.at === undefined;
  const judgedFilter =
    input.finding !== undefined || (!ownerInQuery && (input.owner !== undefined || input.unowned === true));
  const entries = await deps.store.inventory.listCertificates({
    at: input.at,
    owner: ownerInQuery ? input.owner : undefined,
    unowned: ownerInQuery ? input.unowned : undefined,
    limit: judgedFilter ? undefined : input.limit,
    sort: input.sort,
    includeRetired: input.includeRetired,
    fingerprintPrefix: input.fingerprintPrefix,
    notAfterBefore:
      input.expiringWithinMs === undefined ? undefined : new Date(at.getTime() + input.expiringWithinMs),
  });
  const views = await judgeEntries(deps.store, entries, at, input);
  return judgedFilter && input.limit !== undefined ? views.slice(0, input.limit) : views;
}

export async function judgeEntries(
  store: Store,
  entries: InventoryEntry[],
  at: Date,
  input: Pick<ListInventoryInput, 'at' | 'finding' | 'expiringSoonDays' | 'owner' | 'unowned'>,
): Promise<CertificateView[]> {
  // The sightings a finding is judged on: the open ones, or all that were open at the moment asked about.
  const considered = (s: Sighting): boolean => s.endedAt === null || input.at !== undefined;
  // The key files that belong to the certificates' files by a layout (same stem, certbot, nginx or Apache).
  const certificatePaths = [
    ...new Set(entries.flatMap((e) => e.sightings.filter(considered).flatMap(plainFilePath))),
  ];
  const pairs =
    certificatePaths.length > 0
      ? pairKeys(certificatePaths, await store.inventory.configuredKeyPairs(certificatePaths))
      : [];
  const pairsOf = groupPairs(pairs);
  const keyFileKey = (pair: KeyPair): string => locationKey({ kind: 'file', path: pair.keyPath });
  const locationKeys = [
    ...new Set([...entries.flatMap((e) => e.sightings.map((s) => s.locationKey)), ...pairs.map(keyFileKey)]),
  ];
  const keySightings =
    locationKeys.length > 0 ? await store.inventory.keySightingsAt(locationKeys, input.at) : [];
  const keysByLocation = groupKeys(keySightings);
  // What the last scan found describes the present: a question about a past moment is answered without it.
  const missing =
    input.at === undefined
      ? await missingKeyFiles(store, pairs, keysByLocation, keyFileKey)
      : new Set<string>();
  // Served findings describe the present: a question about a past moment is answered without them.
  const tlsKeys = [
    ...new Set(
      entries.flatMap((e) => e.sightings.filter((s) => s.location.kind === 'tls').map((s) => s.locationKey)),
    ),
  ];
  const served = groupServed(
    input.at === undefined && tlsKeys.length > 0 ? await store.inventory.servedFindingsAt(tlsKeys) : [],
  );
  const servesAsLeaf = await servedAsLeaf(store.inventory, entries, considered, input.at);
  const views: CertificateView[] = [];
  const sightedBy = new Map(entries.map((e) => [e.certificate.fingerprintSha256, e.sightings]));
  // Ownership, policy findings and waivers (src/core/ownership/governance.ts), judged at the same moment.
  const governed = governance(await readGovernance(store.objects), at);
  // The evaluations stored by the last scan, apply or assignment answer for now; a past moment (`--at`), a
  // certificate never evaluated or one no longer sighted is evaluated here.
  const stored =
    input.at === undefined
      ? await store.evaluations.evaluationsOf(entries.map((e) => e.certificate.fingerprintSha256))
      : new Map<string, Evaluation>();
  // The closed loop's findings (stale-deployment, superseded-still-served) describe the present too.
  const managed =
    input.at === undefined
      ? await readManagedFindings(store, {
          at,
          sightedAt: (fingerprint) =>
            (sightedBy.get(fingerprint) ?? [])
              .filter((s) => s.endedAt === null && s.location.kind !== 'issued')
              .map((s) => s.locationKey),
        })
      : new Map<string, Finding[]>();
  for (const e of entries) {
    const certificatePairs = e.sightings
      .filter(considered)
      .flatMap((s) => plainFilePath(s).flatMap((path) => pairsOf.get(path) ?? []));
    const pairedKeys = certificatePairs.map((pair) => ({
      pair,
      keys: keysByLocation.get(keyFileKey(pair)) ?? [],
    }));
    const findings = certificateFindings(e.certificate, {
      at,
      expiringWithinDays: input.expiringSoonDays ?? DEFAULT_EXPIRING_WITHIN_DAYS,
      locationsWithKeys: e.sightings
        .filter(considered)
        .map((s) => ({ locationKey: s.locationKey, keys: keysByLocation.get(s.locationKey) ?? [] })),
      pairedKeys,
      missingKeyFiles: certificatePairs.filter(
        (p): p is ConfiguredKeyPair =>
          (p.layout === 'nginx' || p.layout === 'apache') && missing.has(p.keyPath),
      ),
      servedOverTls: servesAsLeaf(e),
      ownKeyBeside:
        ownKeyBeside(e.sightings, e.keySightings) ||
        pairedKeys.some((p) => p.keys.includes(e.certificate.publicKeySha256)),
    });
    findings.push(
      ...servedFindingsOf(e.sightings, served.get(e.certificate.fingerprintSha256) ?? [], findings),
    );
    findings.push(...(managed.get(e.certificate.fingerprintSha256) ?? []));
    const current = e.sightings.some((s) => s.endedAt === null);
    const evaluation =
      (current ? stored.get(e.certificate.fingerprintSha256) : undefined) ??
      governed.evaluate(e.certificate, e.sightings).evaluation;
    const judged = governed.judge(evaluation, findings, e.sightings);
    if (input.finding !== undefined && !judged.findings.some((f) => f.code === input.finding)) continue;
    if (input.owner !== undefined && judged.owner !== input.owner) continue;
    if (input.unowned && judged.owner !== null) continue;
    views.push(
      certificateView(
        e.certificate,
        e.sightings,
        e.keySightings.map((s) => keyLocationView(s, certificatePairs)),
        judged.findings,
        judged,
        input.at,
      ),
    );
  }
  return views;
}

/**
 * The findings recorded about what the certificate's open TLS locations serve, one per code (naming every location
 * where it holds), leaving out codes the certificate already has on its own (an expired leaf is one `expired`) and
 * what was found at locations probed by bare IP address (those belong to the location: `locations list`).
 */
function servedFindingsOf(sightings: Sighting[], served: ServedFinding[], own: Finding[]): Finding[] {
  if (served.length === 0) return [];
  const open = new Set(
    sightings.filter((s) => s.endedAt === null && !probedByBareAddress(s.location)).map((s) => s.locationKey),
  );
  const byCode = new Map<string, { finding: Finding; locations: string[] }>();
  for (const f of served) {
    if (!open.has(f.locationKey) || own.some((o) => o.code === f.code)) continue;
    const entry = byCode.get(f.code);
    if (entry) entry.locations.push(f.locationKey);
    else
      byCode.set(f.code, {
        finding: { code: f.code, severity: f.severity, message: f.message },
        locations: [f.locationKey],
      });
  }
  return [...byCode.values()].map(({ finding, locations }) => ({
    ...finding,
    message: `${finding.message} (served at ${locations.join(', ')})`,
  }));
}

/** The served findings by the fingerprint they are about (in their order), so each certificate reads its own. */
function groupServed(served: ServedFinding[]): Map<string, ServedFinding[]> {
  const byFingerprint = new Map<string, ServedFinding[]>();
  for (const f of served) {
    const list = byFingerprint.get(f.fingerprintSha256);
    if (list) list.push(f);
    else byFingerprint.set(f.fingerprintSha256, [f]);
  }
  return byFingerprint;
}

/** The path of a plain file location (not a Secret in a manifest file), as a list of none or one. */
const plainFilePath = (s: Sighting): string[] =>
  s.location.kind === 'file' && s.location.k8sSecret === undefined ? [s.location.path] : [];

/**
 * The key files that web server configurations name and the last scan of their directory did not find: no key was
 * sighted there and the directory's file states (every file a scan read) hold no such file. A key in a directory
 * no scan read a file of is not known to be missing. (A file named alone on the command line makes its directory
 * one a scan read: its other files are then judged missing until that directory is scanned whole.)
 */
async function missingKeyFiles(
  store: ListInventoryDeps['store'],
  pairs: readonly KeyPair[],
  keysByLocation: ReadonlyMap<string, string[]>,
  keyFileKey: (pair: KeyPair) => string,
): Promise<Set<string>> {
  const candidates = pairs.filter(
    (p) => (p.layout === 'nginx' || p.layout === 'apache') && !keysByLocation.has(keyFileKey(p)),
  );
  if (candidates.length === 0) return new Set();
  const directories = [...new Set(candidates.map((p) => directoryOf(p.keyPath)))];
  const paths = await store.inventory.filePathsUnder(directories);
  const read = new Set(paths);
  const scanned = new Set(paths.map(directoryOf));
  return new Set(
    candidates
      .filter((p) => scanned.has(directoryOf(p.keyPath)) && !read.has(p.keyPath))
      .map((p) => p.keyPath),
  );
}

/** The pairs by their certificate file. */
function groupPairs(pairs: KeyPair[]): Map<string, KeyPair[]> {
  const byCertificate = new Map<string, KeyPair[]>();
  for (const p of pairs) {
    const list = byCertificate.get(p.certificatePath);
    if (list === undefined) byCertificate.set(p.certificatePath, [p]);
    else list.push(p);
  }
  return byCertificate;
}

function groupKeys(sightings: Sighting[]): Map<string, string[]> {
  const byLocation = new Map<string, string[]>();
  for (const s of sightings) {
    if (s.object.type !== 'key') continue;
    const list = byLocation.get(s.locationKey) ?? [];
    list.push(s.object.publicKeySha256);
    byLocation.set(s.locationKey, list);
  }
  return byLocation;
}

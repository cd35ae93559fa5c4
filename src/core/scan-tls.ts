import { evaluate } from './evaluation/evaluate.js';
import type { StoredEvaluation } from './evaluation/evaluation.js';
import { PkiFormatError } from '../pki/problem.js';
import type { ParsedCertificate } from '../pki/x509/parsed-certificate.js';
import { parseCertificate } from '../pki/x509/lean-reader.js';
import { CERTIFICATE_CHECK_CODES, DEFAULT_EXPIRING_WITHIN_DAYS } from './findings/certificate-findings.js';
import type { Finding } from './findings/finding.js';
import { statedByPolicy } from './findings/finding-codes.js';
import { applySightingsUpdate, type LocationObservation } from './inventory/apply-sightings.js';
import { locationKey, type TlsLocation } from './inventory/location.js';
import type { Clock } from './ports/clock.js';
import type { Store, StoreTransaction } from './ports/store.js';
import { endSightingsAt } from './inventory/end-sightings-at.js';
import type { Sighting } from './inventory/sighting.js';
import { counted } from './plural.js';
import type {
  ProbeFailureCode,
  ProbeResult,
  StartTlsMode,
  TlsEndpoint,
  TlsProber,
} from './ports/tls-prober.js';
import { boundedMap } from './scan/bounded-map.js';
import { analyseServedChain, type ServedChainAnalysis } from './verify-chain.js';

/**
 * Scans TLS endpoints into the inventory: each endpoint is probed (bounded concurrency, results streamed), its
 * served chain recorded as sightings at its tls location (host, port, SNI), and judged the way a TLS client would
 * (trust, completeness, order, host name, validity of every certificate). An endpoint that now serves other
 * certificates ends the old sightings and starts the new ones (`deployment.changed` in the audit trail). A failed
 * probe of a location Custos has sighted something at counts towards its end: once it has failed `endAfter.probes`
 * probes in a row and for `endAfter.durationMs`, whichever comes later, its sightings end (`unreachable: ...`);
 * until then the inventory marks it unreachable since the first failure. A probe that is answered resets the count.
 */

export interface ScanTlsDeps {
  store: Store;
  clock: Clock;
  prober: TlsProber;
}

export interface ScanTlsInput {
  /** The endpoints, pulled lazily (a plan from tls-targets.ts). */
  endpoints: Iterable<TlsEndpoint>;
  /** Probes in flight at once. */
  concurrency: number;
  /** Trust anchors (DER) served chains are judged against: system roots plus private roots. */
  trustAnchors: Uint8Array[];
  expiringWithinDays?: number;
  /** Who runs the scan, for the audit trail (`cli:alice`). */
  actor: string;
  /** When a location that stops answering ends its sightings (scan.tls.endAfter, scan.tls.endAfterDuration). */
  endAfter?: EndAfter;
  /** Called with each endpoint's result once it is recorded (completion order). */
  onResult?: (result: TlsEndpointResult) => void;
}

export interface ServedCertificate {
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  notAfter: string;
}

interface EndpointFields {
  host: string;
  port: number;
  sni: string | null;
  starttls: StartTlsMode | null;
  address: string | null;
  /** ISO 8601 time of the probe. */
  at: string;
}

export type TlsEndpointResult =
  | (EndpointFields & {
      ok: true;
      tlsVersion: string;
      cipher: string;
      /** The chain as served, in order; a certificate that could not be parsed is left out (see findings). */
      chain: ServedCertificate[];
      /** A client holding only the trust anchors accepts the chain for this name. */
      trusted: boolean;
      findings: Finding[];
      /** What the location served before: nothing, the same certificates, or others. */
      deployment: 'new' | 'unchanged' | 'changed';
    })
  | (EndpointFields & { ok: false; code: ProbeFailureCode; message: string });

export interface ScanTlsSummary {
  endpoints: number;
  /** Endpoints that served a chain. */
  served: number;
  failed: number;
  /** Distinct certificates served. */
  certificates: number;
  /** Certificates Custos had never seen before. */
  new: number;
  /** Endpoints now serving other certificates than at the last scan. */
  changed: number;
  /** Known locations that failed again but not yet long enough to end. */
  unreachable: number;
  /** Known locations that failed long enough: their sightings ended. */
  ended: number;
  /** Served endpoints a client with the trust anchors accepts. */
  trusted: number;
  /** Failed endpoints by code. */
  failures: Partial<Record<ProbeFailureCode, number>>;
  /** Served endpoints by finding code. */
  findings: Record<string, number>;
}

/** A location ends once it has failed this many probes in a row and for this long, whichever comes later. */
export interface EndAfter {
  probes: number;
  durationMs: number;
}

export const DEFAULT_END_AFTER: EndAfter = { probes: 3, durationMs: 7 * 86_400_000 };

/** Observations written per transaction: few enough to keep memory flat, enough to amortise the commit. */
const BATCH = 256;
/** Chain verdicts kept for reuse within one scan. */
const ANALYSIS_CACHE = 1024;

interface Probed {
  result: ProbeResult;
  certificates: ParsedCertificate[];
  analysis: ServedChainAnalysis | null;
}

export async function scanTls(deps: ScanTlsDeps, input: ScanTlsInput): Promise<ScanTlsSummary> {
  const expiringWithinDays = input.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS;
  // Intermediates the inventory knows tell an incomplete chain from an untrusted one; read once, and only when a
  // served chain does not reach a trust anchor on its own.
  let known: Promise<Uint8Array[]> | null = null;
  const knownIntermediates = (): Promise<Uint8Array[]> =>
    (known ??= deps.store.inventory.intermediateCertificates());

  // Endpoints that serve the same chain for the same name (a farm behind one name, a range of appliances) are
  // judged once: path validation costs far more than a handshake. Bounded, so a large scan stays flat.
  const analyses = new Map<string, Promise<ServedChainAnalysis>>();
  const analyse = (
    chain: Uint8Array[],
    fingerprints: string,
    host: string,
    at: Date,
  ): Promise<ServedChainAnalysis> => {
    const key = `${host}|${fingerprints}`;
    let analysis = analyses.get(key);
    if (!analysis) {
      if (analyses.size >= ANALYSIS_CACHE) analyses.clear();
      const judge = (intermediates: Uint8Array[]): Promise<ServedChainAnalysis> =>
        analyseServedChain({
          served: chain,
          host,
          at,
          trustAnchors: input.trustAnchors,
          knownIntermediates: intermediates,
          expiringWithinDays,
        });
      analysis = judge([]).then(async (first) =>
        first.findings.some((f) => f.code === 'untrusted-root') ? judge(await knownIntermediates()) : first,
      );
      analyses.set(key, analysis);
    }
    return analysis;
  };

  const probeOne = async (endpoint: TlsEndpoint): Promise<Probed> => {
    const result = await deps.prober.probe(endpoint);
    if (!result.ok) return { result, certificates: [], analysis: null };
    const certificates = parseAll(result.chain);
    const fingerprints = certificates.map((c) => c.fingerprintSha256).join(',');
    const analysis = await analyse(result.chain, fingerprints, endpoint.sni ?? endpoint.host, result.at);
    return { result, certificates, analysis };
  };

  const summary: ScanTlsSummary = {
    endpoints: 0,
    served: 0,
    failed: 0,
    certificates: 0,
    new: 0,
    changed: 0,
    unreachable: 0,
    ended: 0,
    trusted: 0,
    failures: {},
    findings: {},
  };
  const certificatesSeen = new Set<string>();
  let pending: Probed[] = [];

  const endAfter = input.endAfter ?? DEFAULT_END_AFTER;
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    const served = batch.filter((p) => p.result.ok);
    const failed = batch.flatMap((p) =>
      p.result.ok ? [] : [{ locationKey: locationKey(tlsLocation(p.result)), code: p.result.code }],
    );
    const at = deps.clock.now();
    const observations: LocationObservation[] = served.map((p) => ({
      location: tlsLocation(p.result),
      certificates: p.certificates,
      keys: [],
    }));
    const servedKeys = observations.map((o) => locationKey(o.location));
    const { before, applied } = await deps.store.transaction(async (tx) => {
      const open = await tx.inventory.openSightingsAt([...servedKeys, ...failed.map((f) => f.locationKey)]);
      const servedSet = new Set(servedKeys);
      const applied = await applySightingsUpdate(tx, at, {
        actor: input.actor,
        observed: observations,
        unchangedLocationKeys: [],
        goneLocationKeys: [],
        openSightings: open.filter((s) => servedSet.has(s.locationKey)),
      });
      // What is wrong with what each endpoint serves, kept with its leaf so the inventory shows it; what it says of
      // the leaf itself (expired, weak-key, ...) the leaf's own checks judge, at read time.
      const servedFindings = served.flatMap((p) => {
        const leaf = p.certificates[0];
        if (!leaf || !p.analysis) return [];
        const key = locationKey(tlsLocation(p.result));
        const { findings, findingAbout } = p.analysis;
        return findings
          .filter(
            (f) => !(findingAbout.get(f) === leaf.fingerprintSha256 && CERTIFICATE_CHECK_CODES.has(f.code)),
          )
          .map((f) => ({ ...f, locationKey: key, fingerprintSha256: leaf.fingerprintSha256 }));
      });
      await tx.inventory.replaceServedFindings(servedKeys, servedFindings, at);
      await tx.inventory.clearProbeFailures(servedKeys);
      const ended = await endUnreachable(tx, at, failed, open);
      await evaluate({ tx, at, actor: input.actor }, [...applied.changedCertificates, ...ended]);
      return { before: open, applied };
    });
    summary.new += applied.newCertificates;
    // The report names a leaf's own facts as the inventory does: by the policy's code where a policy states the fact
    // (key-type-not-allowed, not weak-key), from the evaluations this scan or an earlier one stored.
    const leaves = served.flatMap((p) => (p.certificates[0] ? [p.certificates[0].fingerprintSha256] : []));
    const evaluations =
      leaves.length > 0
        ? await deps.store.evaluations.evaluationsOf(leaves)
        : new Map<string, StoredEvaluation>();
    const previous = new Map<string, Set<string>>();
    for (const s of before) {
      if (s.object.type !== 'certificate') continue;
      const set = previous.get(s.locationKey) ?? new Set<string>();
      set.add(s.object.fingerprintSha256);
      previous.set(s.locationKey, set);
    }
    for (const p of batch) {
      const leaf = p.certificates[0]?.fingerprintSha256;
      const result = report(p, previous, (leaf && evaluations.get(leaf)?.findings) || []);
      if (result.ok) {
        if (result.deployment === 'changed') summary.changed++;
        for (const code of new Set(result.findings.map((f) => f.code)))
          summary.findings[code] = (summary.findings[code] ?? 0) + 1;
      }
      input.onResult?.(result);
    }
  };

  /** Counts the failed probes of sighted locations; ends those that failed long enough. */
  const endUnreachable = async (
    tx: StoreTransaction,
    at: Date,
    failed: Array<{ locationKey: string; code: string }>,
    open: Sighting[],
  ): Promise<string[]> => {
    const sighted = new Set(open.map((s) => s.locationKey));
    const states = await tx.inventory.recordProbeFailures(
      failed.filter((f) => sighted.has(f.locationKey)),
      at,
    );
    const reasons = new Map<string, string>();
    for (const state of states) {
      if (!sighted.has(state.locationKey)) continue;
      const longEnough =
        state.probes >= endAfter.probes && at.getTime() - state.since.getTime() >= endAfter.durationMs;
      if (longEnough)
        reasons.set(
          state.locationKey,
          `unreachable: ${state.code}, ${counted(state.probes, 'failed probe')} since ${state.since.toISOString()}`,
        );
      else summary.unreachable++;
    }
    summary.ended += reasons.size;
    return endSightingsAt(tx, at, { actor: input.actor, reasons, openSightings: open });
  };

  for await (const probed of boundedMap(input.endpoints, input.concurrency, probeOne)) {
    summary.endpoints++;
    const { result, analysis } = probed;
    if (result.ok && analysis) {
      summary.served++;
      if (analysis.trusted) summary.trusted++;
      for (const c of probed.certificates) certificatesSeen.add(c.fingerprintSha256);
    } else if (!result.ok) {
      summary.failed++;
      summary.failures[result.code] = (summary.failures[result.code] ?? 0) + 1;
    }
    pending.push(probed);
    if (pending.length >= BATCH) await flush();
  }
  await flush();
  summary.certificates = certificatesSeen.size;

  const at = deps.clock.now();
  await deps.store.transaction((tx) =>
    tx.appendAudit([
      {
        type: 'scan.completed',
        actor: input.actor,
        subject: 'tls',
        at,
        data: { scanner: 'tls', ...summary },
      },
    ]),
  );
  return summary;
}

function parseAll(chain: Uint8Array[]): ParsedCertificate[] {
  const parsed: ParsedCertificate[] = [];
  for (const der of chain) {
    try {
      parsed.push(parseCertificate(der));
    } catch (error) {
      // A malformed certificate is not stored; the chain analysis reports it as path-invalid.
      if (!(error instanceof PkiFormatError)) throw error;
    }
  }
  return parsed;
}

function tlsLocation(result: ProbeResult): TlsLocation {
  const { host, port, sni } = result.endpoint;
  return { kind: 'tls', host, port, sni, address: result.address };
}

function report(
  probed: Probed,
  previous: Map<string, Set<string>>,
  leafPolicyFindings: readonly Finding[],
): TlsEndpointResult {
  const { result, certificates, analysis } = probed;
  const fields: EndpointFields = {
    host: result.endpoint.host,
    port: result.endpoint.port,
    sni: result.endpoint.sni,
    starttls: result.endpoint.starttls,
    address: result.address,
    at: result.at.toISOString(),
  };
  if (!result.ok) return { ...fields, ok: false, code: result.code, message: result.message };
  const before = previous.get(locationKey(tlsLocation(result)));
  const now = new Set(certificates.map((c) => c.fingerprintSha256));
  const same = before !== undefined && before.size === now.size && [...now].every((f) => before.has(f));
  return {
    ...fields,
    ok: true,
    tlsVersion: result.tlsVersion,
    cipher: result.cipher,
    chain: certificates.map((c) => ({
      fingerprintSha256: c.fingerprintSha256,
      subject: c.subject,
      issuer: c.issuer,
      notAfter: c.notAfter.toISOString(),
    })),
    trusted: analysis?.trusted ?? false,
    findings: analysis
      ? reportedFindings(analysis, certificates[0]?.fingerprintSha256, leafPolicyFindings)
      : [],
    deployment: before === undefined ? 'new' : same ? 'unchanged' : 'changed',
  };
}

/** What the chain analysis found, with the leaf's own facts named by the policy that states them (one code per fact). */
function reportedFindings(
  analysis: ServedChainAnalysis,
  leaf: string | undefined,
  leafPolicyFindings: readonly Finding[],
): Finding[] {
  if (leaf === undefined || leafPolicyFindings.length === 0) return analysis.findings;
  const ownFact = (f: Finding) =>
    analysis.findingAbout.get(f) === leaf && CERTIFICATE_CHECK_CODES.has(f.code);
  return analysis.findings.map((f) => (ownFact(f) ? statedByPolicy([f], leafPolicyFindings)[0]! : f));
}

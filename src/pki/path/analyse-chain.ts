/**
 * The verdict on a chain: what a server sent (or what `custos verify` was given), checked the way a TLS
 * client would check it. Parses the certificates, builds candidate paths (served intermediates first, then
 * those only known), validates each and keeps the best: a valid path built from what was sent ends the
 * search; otherwise the path with the fewest blocking findings, complete paths before dead ends. Then:
 * - `incomplete-chain` for every intermediate the path needs that was not sent (known to the inventory or a
 *   non-root certificate of the trust store), naming its subject and fingerprint;
 * - `untrusted-root` when no path reaches a trust anchor (with why: the issuer unknown, a self-signed
 *   certificate that is not an anchor, signatures that do not verify, too long);
 * - `chain-order` when what was sent is not the path's prefix in issuing order, or carries certificates
 *   that are not on the path (a root at the end of the path is fine, as browsers treat it);
 * - `self-signed` for a leaf that signs itself;
 * - the findings of validate-path.ts for every certificate of the path (intermediates and anchor included).
 */
import { PkiFormatError } from '../problem.js';
import { buildPaths, type CandidatePath, type CryptoProvider } from './build-paths.js';
import { finding } from './certificate-checks.js';
import { parseReferenceIdentity } from './hostname.js';
import { describe, readPathCertificateCached, type PathCertificate } from './path-certificate.js';
import { isBlocking, type PathFinding } from './path-finding.js';
import { validatePath } from './validate-path.js';
import { signatureVerifies } from './verify-signature.js';

export interface AnalyseChainInput {
  /** DER certificates as sent (or given), the leaf first. */
  served: readonly Uint8Array[];
  /** The host name or IP address connected to; null skips the hostname check. */
  host: string | null;
  at: Date;
  trustAnchors: readonly Uint8Array[];
  /** Intermediates known from elsewhere (the inventory), used to tell an incomplete chain from an untrusted one. */
  knownIntermediates: readonly Uint8Array[];
  expiringWithinDays: number;
  crypto: CryptoProvider;
  /** The strict profile (validate-path.ts): the certificate lints on every certificate of the path. */
  strict?: boolean;
  /**
   * A trust anchor that is not a root (an intermediate in the trust store) is trusted as given, so it is not an
   * `incomplete-chain` when not sent: `custos verify --trust` (the person chose it). The scanner leaves it false:
   * clients whose store lacks that intermediate need the server to send it.
   */
  anchorsNeedNotBeSent?: boolean;
}

export interface ChainAnalysis {
  /** A path to a trust anchor exists from what was sent, for that host at that time, with no blocking finding. */
  valid: boolean;
  /** Whether `path` ends at a trust anchor. */
  complete: boolean;
  /** The path validated, leaf first: to a trust anchor when one was found, else as far as building got. */
  path: PathCertificate[];
  findings: PathFinding[];
}

/** Paths looked at before the best one found so far is taken. */
const MAX_CANDIDATES = 32;

/** Certificate lists read before, by the identity of the array: a scanner passes the same anchors every time. */
const readLists = new WeakMap<readonly Uint8Array[], PathCertificate[]>();

function readAll(ders: readonly Uint8Array[]): PathCertificate[] {
  const known = readLists.get(ders);
  if (known) return known;
  const certificates: PathCertificate[] = [];
  for (const der of ders) {
    try {
      certificates.push(readPathCertificateCached(der));
    } catch (error) {
      if (!(error instanceof PkiFormatError)) throw error;
    }
  }
  if (ders.length > 16) readLists.set(ders, certificates);
  return certificates;
}

interface Scored {
  candidate: CandidatePath;
  findings: PathFinding[];
  blocking: number;
}

function deadEndFindings(
  candidate: CandidatePath & { complete: false },
  leafSelfSigned: boolean,
): PathFinding[] {
  const top = candidate.certificates[candidate.certificates.length - 1]!;
  const isLeaf = candidate.certificates.length === 1;
  switch (candidate.deadEnd) {
    case 'untrusted-self-signed':
      return [
        ...(isLeaf && leafSelfSigned
          ? [finding('self-signed', `leaf ${describe(top)} is self-signed`, top)]
          : []),
        finding(
          'untrusted-root',
          isLeaf
            ? `no path to a trust anchor: the leaf ${describe(top)} is self-signed and not a trust anchor`
            : `no path to a trust anchor: the chain ends at self-signed ${describe(top)}, which is not a trust anchor`,
          top,
        ),
      ];
    case 'issuer-not-found':
      return [
        finding(
          'untrusted-root',
          `no path to a trust anchor: the issuer '${top.issuer}' of ${describe(top)} is neither in the chain nor a known certificate or trust anchor`,
          top,
        ),
      ];
    case 'bad-signature':
      return [
        finding(
          'path-invalid',
          `signature: no certificate named '${top.issuer}' verifies the signature of ${describe(top)}`,
          top,
        ),
        finding(
          'untrusted-root',
          `no path to a trust anchor: the signature of ${describe(top)} does not verify`,
          top,
        ),
      ];
    case 'too-long':
      return [
        finding(
          'untrusted-root',
          `no path to a trust anchor within ${candidate.certificates.length} certificates`,
          top,
        ),
      ];
  }
}

function chainOrderFindings(
  served: readonly PathCertificate[],
  path: readonly PathCertificate[],
): PathFinding[] {
  const onPath = new Set(path.map((c) => c.fingerprintSha256));
  const findings: PathFinding[] = [];
  const extras = served.filter((c) => !onPath.has(c.fingerprintSha256));
  if (extras.length > 0) {
    findings.push(
      finding(
        'chain-order',
        // pki sits below core/plural.ts (counted), so the number is written out here, as in lint/serial-number-entropy.ts.
        `the chain carries ${extras.length} certificate${extras.length === 1 ? '' : 's'} not on the path: ${extras.map(describe).join(', ')}`,
        extras[0],
      ),
    );
  }
  const sent = served.filter((c) => onPath.has(c.fingerprintSha256));
  if (!sent.every((c, i) => path[i]?.fingerprintSha256 === c.fingerprintSha256)) {
    const names = (list: readonly PathCertificate[]): string => list.map((c) => `'${c.subject}'`).join(' → ');
    findings.push(
      finding(
        'chain-order',
        `the chain is not leaf-first in issuing order: sent ${names(sent)}; the path is ${names(path)}`,
      ),
    );
  }
  return findings;
}

export async function analyseChain(input: AnalyseChainInput): Promise<ChainAnalysis> {
  const served: PathCertificate[] = [];
  const findings: PathFinding[] = [];
  let leaf: PathCertificate | undefined;
  input.served.forEach((der, index) => {
    try {
      const certificate = readPathCertificateCached(der);
      if (index === 0) leaf = certificate;
      served.push(certificate);
    } catch (error) {
      if (!(error instanceof PkiFormatError)) throw error;
      const which = index === 0 ? 'the leaf' : `certificate #${index + 1} of the chain`;
      findings.push(finding('path-invalid', `${which} is malformed and was refused: ${error.message}`));
    }
  });
  if (!leaf) {
    if (input.served.length === 0) findings.push(finding('path-invalid', 'no certificate was given'));
    return { valid: false, complete: false, path: [], findings };
  }
  return analyseFrom(leaf, served, findings, input);
}

async function analyseFrom(
  leaf: PathCertificate,
  served: readonly PathCertificate[],
  findings: PathFinding[],
  input: AnalyseChainInput,
): Promise<ChainAnalysis> {
  const host = input.host === null ? null : parseReferenceIdentity(input.host);
  if (input.host !== null && !host) {
    findings.push(
      finding('hostname-mismatch', `'${input.host}' is neither a valid host name nor an IP address`),
    );
  }
  const sentFingerprints = new Set(served.map((c) => c.fingerprintSha256));
  const leafSelfSigned = leaf.selfIssued && (await signatureVerifies(leaf, leaf, input.crypto));
  let best: Scored | null = null;
  let seen = 0;
  for await (const candidate of buildPaths({
    leaf,
    intermediates: [...served.slice(1), ...readAll(input.knownIntermediates)],
    trustAnchors: readAll(input.trustAnchors),
    crypto: input.crypto,
  })) {
    const path = candidate.certificates;
    const pathFindings = validatePath(path, {
      at: input.at,
      expiringWithinDays: input.expiringWithinDays,
      host,
      complete: candidate.complete,
      strict: input.strict === true,
    });
    if (candidate.complete) {
      if (path.length === 1 && leafSelfSigned) {
        pathFindings.unshift(
          finding('self-signed', `leaf ${describe(leaf)} is self-signed (and a trust anchor)`, leaf),
        );
      }
      const missing = path
        .slice(1, input.anchorsNeedNotBeSent ? -1 : undefined)
        .filter((c) => !sentFingerprints.has(c.fingerprintSha256) && !c.selfIssued);
      pathFindings.unshift(
        ...missing.map((c) =>
          finding(
            'incomplete-chain',
            `intermediate ${describe(c)} was not sent; a path exists only with it`,
            c,
          ),
        ),
      );
    } else {
      pathFindings.unshift(...deadEndFindings(candidate, leafSelfSigned));
    }
    const scored = { candidate, findings: pathFindings, blocking: pathFindings.filter(isBlocking).length };
    if (!best || better(scored, best)) best = scored;
    if (candidate.complete && scored.blocking === 0) break;
    if (++seen >= MAX_CANDIDATES) break;
  }
  const chosen = best!;
  const path = chosen.candidate.certificates;
  const all = [...findings, ...chosen.findings, ...chainOrderFindings(served, path)];
  return {
    valid: chosen.candidate.complete && !all.some(isBlocking),
    complete: chosen.candidate.complete,
    path,
    findings: all,
  };
}

function better(a: Scored, b: Scored): boolean {
  if (a.candidate.complete !== b.candidate.complete) return a.candidate.complete;
  return a.blocking < b.blocking;
}

import { webcrypto } from 'node:crypto';
import { analyseChain, type ChainAnalysis } from '../pki/path/analyse-chain.js';
import type { PathFinding } from '../pki/path/path-finding.js';
import { DEFAULT_EXPIRING_WITHIN_DAYS } from './findings/certificate-findings.js';
import { FINDING_CODES, type FindingCode } from './findings/finding-codes.js';
import type { Finding } from './findings/finding.js';
import type { Clock } from './ports/clock.js';

/**
 * The verdict on a certificate chain, the way a TLS client with the given trust anchors would reach it: path
 * building and RFC 5280 + WebPKI validation (src/pki/path), findings with their default severities. Two entry
 * points share it: `verifyChain` behind `custos verify` (files given by a person) and `analyseServedChain`,
 * which the TLS scanner calls for each endpoint with what the server sent.
 */

export interface VerifyChainDeps {
  clock: Clock;
}

export interface VerifyChainInput {
  /** The certificate to verify (DER). */
  leaf: Uint8Array;
  /** Further certificates, in the order given: intermediates, possibly a root. */
  chain: Uint8Array[];
  /** Trust anchors (DER): the path must end at one of them. */
  trustAnchors: Uint8Array[];
  /** The host name or IP address the certificate must be valid for; null skips the check. */
  host: string | null;
  /** The moment to verify at; the clock's now when null. */
  at: Date | null;
  /** `expiring-soon` window in days (default 30). */
  expiringWithinDays?: number;
  /**
   * The strict WebPKI profile (src/pki/path/path-lints.ts): every certificate of the path must also pass the
   * certificate lints (CA/B Forum BR and RFC 5280 profile), as C2SP x509-limbo grades. Default false.
   */
  strict?: boolean;
}

export interface PathEntry {
  fingerprintSha256: string;
  subject: string;
  issuer: string;
}

export interface VerifyChainResult {
  /** A valid path to a trust anchor exists for that host at that time (no blocking finding). */
  valid: boolean;
  at: Date;
  host: string | null;
  /** Whether `path` reaches a trust anchor. */
  complete: boolean;
  /** The path validated, leaf first: to a trust anchor when one was found, else as far as building got. */
  path: PathEntry[];
  findings: Finding[];
}

function toFinding(pathFinding: PathFinding): Finding {
  // Every path finding code is a built-in finding code; this assignment is where the compiler checks it.
  const code: FindingCode = pathFinding.code;
  return { code, severity: FINDING_CODES[code].severity, message: pathFinding.message };
}

const pathEntries = (analysis: ChainAnalysis): PathEntry[] =>
  analysis.path.map((c) => ({
    fingerprintSha256: c.fingerprintSha256,
    subject: c.subject,
    issuer: c.issuer,
  }));

/** `custos verify`: exit 0 when `valid`, 1 otherwise (the findings say why). */
export async function verifyChain(
  deps: VerifyChainDeps,
  input: VerifyChainInput,
): Promise<VerifyChainResult> {
  const at = input.at ?? deps.clock.now();
  const analysis = await analyseChain({
    served: [input.leaf, ...input.chain],
    host: input.host,
    at,
    trustAnchors: input.trustAnchors,
    knownIntermediates: [],
    expiringWithinDays: input.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS,
    crypto: webcrypto,
    strict: input.strict === true,
    anchorsNeedNotBeSent: true,
  });
  return {
    valid: analysis.valid,
    at,
    host: input.host,
    complete: analysis.complete,
    path: pathEntries(analysis),
    findings: analysis.findings.map(toFinding),
  };
}

export interface AnalyseServedChainInput {
  /** The certificates of the server's Certificate message (DER), in the order sent, the leaf first. */
  served: Uint8Array[];
  /** The name (SNI or host) or IP address connected to; null skips the hostname check. */
  host: string | null;
  /** When the chain was served (the probe's time). */
  at: Date;
  trustAnchors: Uint8Array[];
  /** Intermediates the inventory knows: a path that needs one the server did not send is `incomplete-chain`. */
  knownIntermediates: Uint8Array[];
  expiringWithinDays: number;
}

export interface ServedChainAnalysis {
  /**
   * A client holding only the trust anchors accepts what was served: a valid path exists from the served
   * certificates alone. False with `incomplete-chain` when the path needs an intermediate the server did not
   * send (browsers that cache or fetch intermediates may still connect; curl, openssl and most services do not).
   */
  trusted: boolean;
  findings: Finding[];
  /** The certificate (fingerprint) each of `findings` is about, for those about one certificate. */
  findingAbout: ReadonlyMap<Finding, string>;
  /** Fingerprints of the path validated, leaf first (to a trust anchor, or as far as building got). */
  path: string[];
}

/** The TLS scanner's verdict on one endpoint's served chain. */
export async function analyseServedChain(input: AnalyseServedChainInput): Promise<ServedChainAnalysis> {
  const analysis = await analyseChain({ ...input, crypto: webcrypto });
  const findingAbout = new Map<Finding, string>();
  const findings = analysis.findings.map((pathFinding) => {
    const finding = toFinding(pathFinding);
    if (pathFinding.fingerprintSha256 !== null) findingAbout.set(finding, pathFinding.fingerprintSha256);
    return finding;
  });
  return {
    trusted: analysis.valid,
    findings,
    findingAbout,
    path: analysis.path.map((c) => c.fingerprintSha256),
  };
}

/**
 * Path building (RFC 4158, as Chrome and rustls-webpki do it): from the leaf, depth first, try every
 * certificate whose subject is the current certificate's issuer (compared as DER) and whose subject key
 * identifier does not contradict the authority key identifier, verify the signature with the candidate's
 * key, and stop at a trust anchor. Trust anchors are tried first, then the intermediates in the order given
 * (the caller puts what the server sent before what it only knows). A candidate already on the path (same
 * subject and key) is a loop and skipped; depth and signature checks are bounded, so a hostile chain cannot
 * make the search explode. Paths are yielded as found, complete ones and dead ends alike; the caller picks.
 */
import type { PathCertificate } from './path-certificate.js';
import { signatureVerifies, type CryptoProvider } from './verify-signature.js';

export type { CryptoProvider } from './verify-signature.js';

export type DeadEnd =
  /** No certificate with the issuer's name (and a matching key identifier) is known. */
  | 'issuer-not-found'
  /** Candidates with the issuer's name exist but none of their keys verifies the signature. */
  | 'bad-signature'
  /** The top certificate is self-signed and is not a trust anchor. */
  | 'untrusted-self-signed'
  /** The path reached the depth bound. */
  | 'too-long';

export type CandidatePath =
  | { complete: true; certificates: PathCertificate[] }
  | { complete: false; certificates: PathCertificate[]; deadEnd: DeadEnd };

export interface BuildPathsInput {
  leaf: PathCertificate;
  /** Certificates that may be intermediates, in order of preference. */
  intermediates: readonly PathCertificate[];
  trustAnchors: readonly PathCertificate[];
  /** The WebCrypto implementation that verifies signatures (Node's webcrypto in production). */
  crypto: CryptoProvider;
  /** Most certificates on one path, trust anchor included (default 10). */
  maxLength?: number;
  /** Most signature verifications for the whole search (default 100). */
  maxSignatureChecks?: number;
}

const identity = (c: PathCertificate): string => `${c.subjectKey}/${c.publicKeySha256}`;

export async function* buildPaths(input: BuildPathsInput): AsyncGenerator<CandidatePath> {
  const maxLength = input.maxLength ?? 10;
  let budget = input.maxSignatureChecks ?? 100;
  const anchorIds = new Set(input.trustAnchors.map(identity));
  // Candidates by subject: trust anchors first, then intermediates that are not an anchor under another encoding.
  const bySubject = new Map<string, PathCertificate[]>();
  const seen = new Set<string>();
  const add = (c: PathCertificate): void => {
    seen.add(c.fingerprintSha256);
    const list = bySubject.get(c.subjectKey);
    if (list) list.push(c);
    else bySubject.set(c.subjectKey, [c]);
  };
  for (const c of input.trustAnchors) if (!seen.has(c.fingerprintSha256)) add(c);
  for (const c of input.intermediates) {
    if (!seen.has(c.fingerprintSha256) && !anchorIds.has(identity(c))) add(c);
  }
  const verified = new Set<string>();
  const signs = (issuer: PathCertificate, subject: PathCertificate): Promise<boolean> => {
    const key = `${issuer.fingerprintSha256}>${subject.fingerprintSha256}`;
    if (!verified.has(key)) {
      budget--;
      verified.add(key);
    }
    return signatureVerifies(subject, issuer, input.crypto);
  };

  async function* extend(path: PathCertificate[]): AsyncGenerator<CandidatePath> {
    const top = path[path.length - 1]!;
    if (path.length === 1 && anchorIds.has(identity(top))) {
      yield { complete: true, certificates: path };
      return;
    }
    if (path.length >= maxLength) {
      yield { complete: false, certificates: path, deadEnd: 'too-long' };
      return;
    }
    const onPath = new Set(path.map(identity));
    const candidates = (bySubject.get(top.issuerKey) ?? []).filter(
      (c) =>
        !onPath.has(identity(c)) &&
        !(top.authorityKeyId && c.subjectKeyId && top.authorityKeyId !== c.subjectKeyId),
    );
    let extended = false;
    let badSignature = false;
    for (const candidate of candidates) {
      if (budget <= 0 && !verified.has(`${candidate.fingerprintSha256}>${top.fingerprintSha256}`)) break;
      if (!(await signs(candidate, top))) {
        badSignature = true;
        continue;
      }
      extended = true;
      if (anchorIds.has(identity(candidate))) yield { complete: true, certificates: [...path, candidate] };
      else yield* extend([...path, candidate]);
    }
    if (extended) return;
    const selfSigned = top.selfIssued && (await signs(top, top));
    const deadEnd: DeadEnd = selfSigned
      ? 'untrusted-self-signed'
      : badSignature
        ? 'bad-signature'
        : 'issuer-not-found';
    yield { complete: false, certificates: path, deadEnd };
  }

  yield* extend([input.leaf]);
}

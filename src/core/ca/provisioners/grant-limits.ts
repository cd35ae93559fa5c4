/**
 * The limits of the provisioner that authorised a request (ProvisionerGrant.limits): the names, the key type and
 * the lifetime it may ask for. An IssuanceCheck (check-issuance.ts) for the CA's ordered checks; a request whose
 * ttlMs is null gets the CA's default, which the CA caps at `maxTtlMs` (`cappedTtlMs`).
 */
import { Asn1Cursor, TAG } from '../../../pki/asn1/reader.js';
import { readPublicKey } from '../../../pki/x509/public-key.js';
import { compileGlob } from '../../ownership/glob.js';
import type { KeyType } from '../../ports/key-manager.js';
import type { IssuanceCheck } from '../check-issuance.js';
import type { IssuanceRequest } from '../issuance-request.js';

/** The key type of a DER SubjectPublicKeyInfo as `ca init --key-type` names them, or null for any other key. */
export function keyTypeOfSpki(spki: Uint8Array): KeyType | null {
  let facts;
  try {
    const outer = new Asn1Cursor(Buffer.from(spki), 0, spki.length, 'lenient-der');
    outer.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo');
    facts = readPublicKey(outer.inner());
  } catch {
    return null;
  }
  if (facts.algorithm === 'ECDSA' && facts.curve === 'P-256') return 'ec-p256';
  if (facts.algorithm === 'ECDSA' && facts.curve === 'P-384') return 'ec-p384';
  if (facts.algorithm === 'Ed25519') return 'ed25519';
  if (facts.algorithm === 'RSA' && [2048, 3072, 4096].includes(facts.size ?? 0))
    return `rsa-${facts.size}` as KeyType;
  return null;
}

/** The lifetime to sign for: the request's, else the CA's default, never above the grant's maxTtlMs. */
export function cappedTtlMs(request: IssuanceRequest, caDefaultMs: number): number {
  const wanted = request.ttlMs ?? caDefaultMs;
  const max = request.provisioner.limits?.maxTtlMs;
  return max === undefined ? wanted : Math.min(wanted, max);
}

const hours = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 1000}s`);

/** Refuses names, a key type or a lifetime beyond the grant's limits (CUSTOS_PROVISIONER_LIMIT). */
export const provisionerLimits: IssuanceCheck = (request) => {
  const limits = request.provisioner.limits;
  if (limits === undefined) return undefined;
  const who = `the provisioner "${request.provisioner.name}"`;
  if (limits.names !== undefined) {
    const globs = limits.names.map((pattern) => compileGlob(pattern, 'name'));
    const asked = [
      ...(request.commonName === null ? [] : [request.commonName]),
      ...request.dnsNames,
      ...request.ipAddresses,
      ...request.uris,
    ];
    const outside = asked.filter((name) => !globs.some((matches) => matches(name)));
    if (outside.length > 0)
      return {
        code: 'CUSTOS_PROVISIONER_LIMIT',
        message: `${who} may not ask for ${outside.join(', ')} (allowed: ${limits.names.join(', ') || 'no names'})`,
      };
  }
  if (limits.keyTypes !== undefined) {
    const keyType = keyTypeOfSpki(request.publicKeySpki);
    if (keyType === null || !limits.keyTypes.includes(keyType))
      return {
        code: 'CUSTOS_PROVISIONER_LIMIT',
        message: `${who} may not ask for a ${keyType ?? 'key of another'} type key (allowed: ${limits.keyTypes.join(', ')})`,
      };
  }
  if (limits.maxTtlMs !== undefined && request.ttlMs !== null && request.ttlMs > limits.maxTtlMs)
    return {
      code: 'CUSTOS_PROVISIONER_LIMIT',
      message: `${who} may not ask for a lifetime of ${hours(request.ttlMs)} (at most ${hours(limits.maxTtlMs)})`,
    };
  return undefined;
};

/**
 * `custos cert revoke`: records the revocation of a certificate the built-in CA issued (RFC 5280 §5.3.1 reason),
 * audited as `certificate.revoked`, and publishes its CA's next CRL in the same transaction. Idempotent: a
 * certificate already revoked keeps its first revocation, and nothing is written.
 */
import { DomainError } from '../errors.js';
import type { CrlRecord, IssuedCertificate, RevocationReason } from '../ports/authority-store.js';
import type { CaDependencies } from './ca-dependencies.js';
import { publishCrlIn } from './publish-crl.js';

/** The reasons `--reason` takes (RFC 5280 §5.3.1; removeFromCRL is for delta CRLs, which Custos does not write). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
] as const satisfies readonly RevocationReason[];

export interface RevokeInput {
  /** A serial number (hex, colons allowed) or a SHA-256 fingerprint. */
  certificate: string;
  reason: RevocationReason;
  /** Only this CA's certificates; default: the one CA that issued a certificate of that serial. */
  authority?: string;
  crlValidityMs: number;
}

export interface RevokeResult {
  certificate: IssuedCertificate;
  /** False when it was revoked before (nothing changed). */
  revoked: boolean;
  /** The CRL published with the revocation (null when nothing changed). */
  crl: CrlRecord | null;
}

/** A serial as the store keeps it: lower-case hex, no colons, no leading zero bytes. */
export function normaliseSerial(text: string): string | null {
  const hex = text.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || hex.length > 42) return null;
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return even.replace(/^(00)+(?=..)/, '');
}

/** The certificate of the built-in CA a serial or fingerprint names (CUSTOS_ISSUED_NOT_FOUND when none). */
export async function findIssuedCertificate(
  deps: Pick<CaDependencies, 'store'>,
  input: Pick<RevokeInput, 'certificate' | 'authority'>,
): Promise<IssuedCertificate> {
  const text = input.certificate.trim().toLowerCase();
  const authorities = await deps.store.authorities.list();
  if (input.authority !== undefined && !authorities.some((a) => a.name === input.authority))
    throw new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${input.authority}".`);
  if (/^[0-9a-f]{64}$/.test(text)) {
    const byFingerprint = await deps.store.authorities.issued({ fingerprintSha256: text });
    if (
      byFingerprint !== null &&
      (input.authority === undefined || byFingerprint.authority === input.authority)
    )
      return byFingerprint;
  }
  const serial = normaliseSerial(text);
  if (serial === null)
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `"${input.certificate}" is not a serial number or fingerprint.`,
      {
        hint: 'Give the serial in hex (as `cert issue` printed it) or the SHA-256 fingerprint.',
      },
    );
  const names = input.authority === undefined ? authorities.map((a) => a.name) : [input.authority];
  const found: IssuedCertificate[] = [];
  for (const authority of names) {
    const issued = await deps.store.authorities.issued({ authority, serialNumber: serial });
    if (issued !== null) found.push(issued);
  }
  if (found.length > 1)
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `Serial ${serial} was issued by ${found.map((f) => f.authority).join(' and ')}.`,
      { hint: 'Name the CA with --ca, or give the fingerprint.' },
    );
  if (found[0] === undefined)
    throw new DomainError(
      'CUSTOS_ISSUED_NOT_FOUND',
      `No certificate issued by ${input.authority === undefined ? 'the built-in CA' : `CA ${input.authority}`} has serial or fingerprint ${input.certificate}.`,
    );
  return found[0];
}

export async function revokeCertificate(deps: CaDependencies, input: RevokeInput): Promise<RevokeResult> {
  const certificate = await findIssuedCertificate(deps, input);
  if (certificate.revocation !== null) return { certificate, revoked: false, crl: null };
  const at = deps.clock.now();
  const revocation = {
    revokedAt: new Date(Math.floor(at.getTime() / 1000) * 1000),
    reason: input.reason,
    invalidityDate: null,
  };
  return deps.store.transaction(async (tx) => {
    const revoked = await tx.authorities.revoke(certificate.fingerprintSha256, revocation);
    // Another process revoked it between the read and this transaction: its revocation stands.
    if (!revoked) {
      const current = await tx.authorities.issued({ fingerprintSha256: certificate.fingerprintSha256 });
      return { certificate: current ?? certificate, revoked: false, crl: null };
    }
    await tx.appendAudit([
      {
        type: 'certificate.revoked',
        actor: deps.actor,
        subject: certificate.fingerprintSha256,
        at,
        data: {
          ca: certificate.authority,
          serialNumber: certificate.serialNumber,
          fingerprintSha256: certificate.fingerprintSha256,
          reason: input.reason,
          revokedAt: revocation.revokedAt.toISOString(),
        },
      },
    ]);
    const crl = await publishCrlIn(deps, tx, {
      authority: certificate.authority,
      validityMs: input.crlValidityMs,
      at,
    });
    return { certificate: { ...certificate, revocation }, revoked: true, crl };
  });
}

/** What `cert revoke --json` prints and the API answers. */
export function revocationSummary(result: RevokeResult) {
  const revocation = result.certificate.revocation;
  return {
    fingerprintSha256: result.certificate.fingerprintSha256,
    serialNumber: result.certificate.serialNumber,
    ca: result.certificate.authority,
    revoked: result.revoked,
    revokedAt: revocation?.revokedAt.toISOString() ?? null,
    reason: revocation?.reason ?? null,
    crlNumber: result.crl?.crlNumber ?? null,
  };
}

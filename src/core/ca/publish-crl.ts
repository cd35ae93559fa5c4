/**
 * Publishes a CA's CRL (RFC 5280 §5): the next CRL number, thisUpdate now, nextUpdate after the configured
 * validity, and an entry with its reason for every revoked certificate that has not expired. Signed by the CA's key
 * and saved in the caller's transaction, with a `crl.published` audit event; the latest one is what is served.
 */
import { readPathCertificateCached } from '../../pki/path/path-certificate.js';
import { generateCrl, type RevokedEntry } from '../../pki/x509/generate/crl.js';
import { issuerIdentity } from '../../pki/x509/generate/issuer-identity.js';
import { keyIdentifier } from '../../pki/x509/generate/key-identifier.js';
import { DomainError } from '../errors.js';
import type { CrlRecord } from '../ports/authority-store.js';
import type { StoreTransaction } from '../ports/store.js';
import type { CaDependencies } from './ca-dependencies.js';

export interface PublishCrlInput {
  authority: string;
  /** `ca.crlValidity`: nextUpdate - thisUpdate. */
  validityMs: number;
  at: Date;
}

const magnitude = (serialHex: string): Uint8Array =>
  new Uint8Array(Buffer.from(serialHex.length % 2 === 0 ? serialHex : `0${serialHex}`, 'hex'));

/** Builds, signs and saves the next CRL inside `tx`. CUSTOS_CA_NOT_FOUND, or CUSTOS_CA_NOT_ACTIVE while pending. */
export async function publishCrlIn(
  deps: Pick<CaDependencies, 'keys' | 'actor'>,
  tx: StoreTransaction,
  input: PublishCrlInput,
): Promise<CrlRecord> {
  const authority = await tx.authorities.get(input.authority);
  if (authority === null)
    throw new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${input.authority}".`);
  if (authority.certificate === null)
    throw new DomainError(
      'CUSTOS_CA_NOT_ACTIVE',
      `The certificate authority "${input.authority}" has no certificate yet, so it publishes no CRL.`,
    );
  const ca = issuerIdentity(authority.certificate);
  const previous = await tx.authorities.latestCrl(authority.name);
  const revoked = (await tx.authorities.revoked(authority.name)).filter(
    (c) => c.notAfter.getTime() > input.at.getTime(),
  );
  const entries: RevokedEntry[] = revoked.map((c) => ({
    serialNumber: magnitude(c.serialNumber),
    revocationDate: c.revocation!.revokedAt,
    reason: c.revocation!.reason,
    ...(c.revocation!.invalidityDate === null ? {} : { invalidityDate: c.revocation!.invalidityDate }),
  }));
  const thisUpdate = new Date(Math.floor(input.at.getTime() / 1000) * 1000);
  const caNotAfter = readPathCertificateCached(authority.certificate).notAfter;
  const nextUpdate = new Date(Math.min(thisUpdate.getTime() + input.validityMs, caNotAfter.getTime()));
  const crl: CrlRecord = {
    authority: authority.name,
    crlNumber: (previous?.crlNumber ?? 0) + 1,
    thisUpdate,
    nextUpdate,
    der: await generateCrl(
      {
        issuer: ca.subject,
        crlNumber: (previous?.crlNumber ?? 0) + 1,
        thisUpdate,
        nextUpdate,
        revoked: entries,
        authorityKeyIdentifier: ca.subjectKeyIdentifier ?? keyIdentifier(ca.publicKeySpki),
      },
      await deps.keys.signer(authority.key),
    ),
  };
  await tx.authorities.saveCrl(crl);
  await tx.appendAudit([
    {
      type: 'crl.published',
      actor: deps.actor,
      subject: `ca:${authority.name}`,
      at: input.at,
      data: {
        ca: authority.name,
        crlNumber: crl.crlNumber,
        thisUpdate: crl.thisUpdate.toISOString(),
        nextUpdate: crl.nextUpdate.toISOString(),
        entries: entries.length,
      },
    },
  ]);
  return crl;
}

/** `custos ca crl`: publishes the next CRL of a CA in a transaction of its own. */
export function publishCrl(
  deps: Pick<CaDependencies, 'keys' | 'actor' | 'store' | 'clock'>,
  input: Omit<PublishCrlInput, 'at'>,
): Promise<CrlRecord> {
  const at = deps.clock.now();
  return deps.store.transaction((tx) => publishCrlIn(deps, tx, { ...input, at }));
}

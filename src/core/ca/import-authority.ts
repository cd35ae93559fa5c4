/**
 * `custos ca import`: the offline-root flow's second half. The certificate an external root signed for a pending
 * CA's CSR is checked — a CA certificate, for the pending key, signed by the first certificate of its chain, each of
 * which is signed by the next — and stored; the CA becomes active. Audited in the same transaction.
 */
import { webcrypto } from 'node:crypto';
import { readPathCertificate, type PathCertificate } from '../../pki/path/path-certificate.js';
import { signatureVerifies, type CryptoProvider } from '../../pki/path/verify-signature.js';
import { readCsr } from '../../pki/x509/generate/csr-reader.js';
import { DomainError } from '../errors.js';
import type { CertificateAuthority } from '../ports/authority-store.js';
import type { CaDependencies } from './ca-dependencies.js';

export interface ImportAuthorityInput {
  name: string;
  certificate: Uint8Array;
  /** The certificates above it, nearest first, up to the root. */
  chain: Uint8Array[];
}

const mismatch = (message: string) =>
  new DomainError('CUSTOS_CA_CERTIFICATE_MISMATCH', message, {
    hint: "Give the certificate the external CA signed for this CA's CSR (`custos ca show NAME` prints it again), with --chain up to the root.",
  });

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

async function checkLinks(certificates: PathCertificate[]): Promise<void> {
  for (let i = 0; i + 1 < certificates.length; i++) {
    const subject = certificates[i]!;
    const issuer = certificates[i + 1]!;
    if (!issuer.isCA) throw mismatch(`the chain's certificate ${i + 1} (${issuer.subject}) is not a CA`);
    const signed =
      subject.issuerKey === issuer.subjectKey &&
      (await signatureVerifies(subject, issuer, webcrypto as unknown as CryptoProvider));
    if (!signed)
      throw mismatch(`${subject.subject} is not signed by ${issuer.subject}, the next in the chain`);
  }
  const top = certificates[certificates.length - 1]!;
  if (!top.selfIssued)
    throw mismatch(`the chain ends with ${top.subject}, not with a root: give --chain up to the root`);
}

export async function importAuthority(
  deps: CaDependencies,
  input: ImportAuthorityInput,
): Promise<CertificateAuthority> {
  const pending = await deps.store.authorities.get(input.name);
  if (pending === null)
    throw new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${input.name}".`);
  if (pending.status !== 'pending' || pending.csr === null)
    throw new DomainError(
      'CUSTOS_CA_NOT_PENDING',
      `The certificate authority "${input.name}" is ${pending.status}, not waiting for a certificate.`,
    );
  const certificate = readPathCertificate(input.certificate);
  const chain = input.chain.map((der) => readPathCertificate(der));
  if (!certificate.isCA)
    throw mismatch(`${certificate.subject} is not a CA certificate (basicConstraints cA)`);
  if (!equal(certificate.spki, readCsr(pending.csr).publicKeySpki))
    throw mismatch(`${certificate.subject} is for another key than the one of "${input.name}"`);
  await checkLinks([certificate, ...chain]);

  const now = deps.clock.now();
  const change = {
    status: 'active' as const,
    certificate: certificate.der,
    chain: chain.map((c) => c.der),
    csr: null,
    signsFrom: now,
  };
  await deps.store.transaction(async (tx) => {
    await tx.authorities.update(input.name, change);
    await tx.appendAudit([
      {
        type: 'ca.imported',
        actor: deps.actor,
        subject: `ca:${input.name}`,
        at: now,
        data: {
          name: input.name,
          certificates: [certificate, ...chain].map((c) => ({
            fingerprintSha256: c.fingerprintSha256,
            subject: c.subject,
          })),
        },
      },
    ]);
  });
  return { ...pending, ...change };
}

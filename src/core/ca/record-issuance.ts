/**
 * What issuing a certificate writes, in one transaction: the CA's record of it, the certificate in the inventory
 * with a sighting at its `issued` location (audited as `sighting.started`, so `audit verify --state` finds it), its
 * evaluation (the identity it was issued for links its owner), and the `certificate.issued` event naming the CA,
 * serial, fingerprint, provisioner and the claims used.
 */
import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import { evaluate } from '../evaluation/evaluate.js';
import type { Location } from '../inventory/location.js';
import type { IssuedCertificate } from '../ports/authority-store.js';
import type { CaDependencies } from './ca-dependencies.js';
import type { IssuanceRequest } from './issuance-request.js';

export interface IssuanceRecord {
  certificate: IssuedCertificate;
  leaf: ParsedCertificate;
  request: IssuanceRequest;
  at: Date;
}

export async function recordIssuance(
  deps: Pick<CaDependencies, 'store' | 'actor'>,
  record: IssuanceRecord,
): Promise<void> {
  const { certificate, leaf, request, at } = record;
  const location: Location = {
    kind: 'issued',
    authority: certificate.authority,
    identity: certificate.identity,
  };
  const object = { type: 'certificate' as const, fingerprintSha256: certificate.fingerprintSha256 };
  await deps.store.transaction(async (tx) => {
    await tx.authorities.recordIssued(certificate);
    await tx.inventory.insertCertificates([leaf], at);
    await tx.inventory.startSightings([{ location, object }], at);
    await tx.appendAudit([
      {
        type: 'certificate.issued',
        actor: deps.actor,
        subject: certificate.fingerprintSha256,
        at,
        data: {
          ca: certificate.authority,
          serialNumber: certificate.serialNumber,
          fingerprintSha256: certificate.fingerprintSha256,
          subject: leaf.subject,
          subjectAltNames: leaf.subjectAltNames,
          notBefore: certificate.notBefore.toISOString(),
          notAfter: certificate.notAfter.toISOString(),
          identity: certificate.identity,
          provisioner: { name: request.provisioner.name, kind: request.provisioner.kind },
          claims: request.provisioner.claims,
          csr: request.csr !== null,
        },
      },
      {
        type: 'sighting.started',
        actor: deps.actor,
        subject: certificate.fingerprintSha256,
        at,
        data: { object: 'certificate', location },
      },
    ]);
    await evaluate({ tx, at, actor: deps.actor }, [certificate.fingerprintSha256]);
  });
}

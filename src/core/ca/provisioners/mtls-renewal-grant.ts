/**
 * Renewal by the workload itself: the client certificate it presents over mutual TLS (the TLS handshake proved it
 * holds the key) is a still-valid revision the built-in CA issued, looked up by fingerprint through the
 * AuthorityReader port — issued by Custos, inside its validity at the Clock's now, not revoked. The grant may ask
 * only for the names of that earlier revision.
 */
import { createHash } from 'node:crypto';
import { parseCertificate } from '../../../pki/x509/lean-reader.js';
import { DomainError } from '../../errors.js';
import type { AuthorityReader } from '../../ports/authority-store.js';
import type { Clock } from '../../ports/clock.js';
import type { ProvisionerGrant } from '../issuance-request.js';
import type { MtlsProvisioner, Provisioner } from './provisioner.js';

export interface MtlsRenewalDependencies {
  authorities: AuthorityReader;
  clock: Clock;
  provisioners: readonly Provisioner[];
}

const invalid = (reason: string): DomainError =>
  new DomainError('CUSTOS_TOKEN_INVALID', `The client certificate ${reason}.`, {
    hint: 'renew over mTLS with a still-valid certificate Custos issued, or ask for a new one with a bootstrap token',
  });

/** The client certificate chain as presented (DER, leaf first) gives a grant for the leaf's names, or is refused. */
export async function grantForClientCertificate(
  deps: MtlsRenewalDependencies,
  chain: readonly Uint8Array[],
): Promise<ProvisionerGrant> {
  const mtls = deps.provisioners.filter((p): p is MtlsProvisioner => p.type === 'mtls');
  if (mtls.length === 0)
    throw new DomainError('CUSTOS_PROVISIONER_NOT_FOUND', 'No provisioner of type mtls is configured.', {
      hint: 'add one under provisioners: in custos.yaml (docs/provisioners.md) to let workloads renew over mTLS',
    });
  const leaf = chain[0];
  if (leaf === undefined) throw invalid('is missing: no certificate was presented');
  const fingerprintSha256 = createHash('sha256').update(leaf).digest('hex');
  const issued = await deps.authorities.issued({ fingerprintSha256 });
  if (issued === null) throw invalid(`sha256 ${fingerprintSha256} was not issued by the built-in CA`);
  const provisioner = mtls.find((p) => p.authority === null || p.authority === issued.authority);
  if (provisioner === undefined)
    throw invalid(`was issued by the CA "${issued.authority}", for which no mtls provisioner renews`);
  const now = deps.clock.now();
  if (now.getTime() < issued.notBefore.getTime())
    throw invalid(`is not valid before ${issued.notBefore.toISOString()}`);
  if (now.getTime() >= issued.notAfter.getTime())
    throw invalid(`expired at ${issued.notAfter.toISOString()}`);
  if (issued.revocation !== null)
    throw invalid(
      `was revoked at ${issued.revocation.revokedAt.toISOString()} (${issued.revocation.reason})`,
    );
  const { subjectAltNames } = parseCertificate(issued.der);
  const names = [...subjectAltNames.dns, ...subjectAltNames.ip, ...subjectAltNames.uri];
  return {
    name: provisioner.name,
    kind: 'mtls',
    claims: {
      identity: issued.identity,
      fingerprintSha256,
      serialNumber: issued.serialNumber,
      authority: issued.authority,
    },
    limits: {
      names,
      ...(provisioner.limits.keyTypes === undefined ? {} : { keyTypes: [...provisioner.limits.keyTypes] }),
      ...(provisioner.limits.maxTtlMs === undefined ? {} : { maxTtlMs: provisioner.limits.maxTtlMs }),
    },
  };
}

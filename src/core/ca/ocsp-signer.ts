/**
 * Delegated OCSP responders (RFC 6960 §4.2.2.2): for each CA, a short-lived certificate it issues to a key of the
 * responder's own, with extendedKeyUsage id-kp-OCSPSigning and id-pkix-ocsp-nocheck (§4.2.2.2.1), so the CA's key
 * (perhaps on a token) signs once per responder lifetime instead of once per response.
 *
 * The key is made through the KeyManager (software backend: it lives only as long as the process, and a token would
 * collect one object per renewal), the certificate is linted as every certificate the CA signs, recorded among the
 * CA's issued certificates with an `ca.ocsp-signer.issued` audit event, and kept in memory: each server process has
 * its own responder. It is renewed on the first use after 2/3 of its lifetime (the server's background work asks
 * early, through the responder's refresh), so it never expires while responses signed by it are still fresh.
 */
import { runLints } from '../../pki/lint/run-lints.js';
import { readPathCertificate } from '../../pki/path/path-certificate.js';
import { ocspNoCheckExtension } from '../../pki/x509/extensions/ocsp-nocheck.js';
import { generateCertificate } from '../../pki/x509/generate/certificate.js';
import { issuerIdentity } from '../../pki/x509/generate/issuer-identity.js';
import type { Signer } from '../../pki/x509/generate/signer.js';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import { DomainError } from '../errors.js';
import type { CertificateAuthority } from '../ports/authority-store.js';
import type { Clock } from '../ports/clock.js';
import type { KeyManager } from '../ports/key-manager.js';
import type { SecureRandom } from '../ports/secure-random.js';
import type { Store } from '../ports/store.js';
import { backdated } from './ca-dependencies.js';
import { newSerialNumber } from './serial-number.js';

export interface OcspSignerDeps {
  store: Store;
  keys: KeyManager;
  clock: Clock;
  secureRandom: SecureRandom;
}

/** A responder's signer and the certificates a BasicOCSPResponse carries: its own, then the CA's. */
export interface ResponderSigner {
  signer: Signer;
  certificates: Uint8Array[];
}

export interface OcspSigners {
  /** The CA's current delegated responder, issued (or renewed) now when it has none or it is past 2/3 of its life. */
  signerFor(authority: CertificateAuthority): Promise<ResponderSigner>;
}

/** The responder certificate's lifetime (default 7 days). */
export const DEFAULT_OCSP_SIGNER_LIFETIME_MS = 7 * 24 * 3_600_000;

export function createOcspSigners(
  deps: OcspSignerDeps,
  options: { lifetimeMs?: number; actor?: string } = {},
): OcspSigners {
  const lifetimeMs = options.lifetimeMs ?? DEFAULT_OCSP_SIGNER_LIFETIME_MS;
  const actor = options.actor ?? 'server:ocsp';
  const current = new Map<string, { renewAtMs: number; ca: Uint8Array; signer: Promise<ResponderSigner> }>();

  const issue = async (
    authority: CertificateAuthority,
    caCertificate: Uint8Array,
  ): Promise<ResponderSigner> => {
    const now = deps.clock.now();
    const ca = parseCertificate(caCertificate);
    const issuer = issuerIdentity(caCertificate);
    const key = await deps.keys.generate(
      authority.keyType,
      { backend: 'software' },
      `custos-ocsp-${authority.name}`,
    );
    const notAfter = new Date(Math.min(now.getTime() + lifetimeMs, ca.notAfter.getTime()));
    const der = await generateCertificate(
      {
        serialNumber: newSerialNumber(deps.secureRandom),
        subject: [[{ type: 'CN', value: `Custos OCSP responder for ${authority.name}` }]],
        issuer: issuer.subject,
        ...(issuer.subjectKeyIdentifier ? { authorityKeyIdentifier: issuer.subjectKeyIdentifier } : {}),
        notBefore: backdated(now),
        notAfter,
        publicKeySpki: key.publicKeySpki,
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: ['OCSPSigning'],
        extensions: [ocspNoCheckExtension()],
      },
      await deps.keys.signer(authority.key),
    );
    const failure = runLints(readPathCertificate(der), {
      issuer: readPathCertificate(caCertificate),
    }).find((f) => f.severity === 'error');
    if (failure !== undefined)
      throw new DomainError(
        'CUSTOS_INTERNAL',
        `The OCSP responder certificate was not issued: it fails lint ${failure.lint}: ${failure.message}`,
      );
    const leaf = parseCertificate(der);
    await deps.store.transaction(async (tx) => {
      await tx.authorities.recordIssued({
        fingerprintSha256: leaf.fingerprintSha256,
        authority: authority.name,
        serialNumber: leaf.serialNumber,
        der,
        notBefore: leaf.notBefore,
        notAfter: leaf.notAfter,
        identity: null,
        provisioner: 'ocsp-signer',
        issuedAt: now,
      });
      await tx.appendAudit([
        {
          type: 'ca.ocsp-signer.issued',
          actor,
          subject: leaf.fingerprintSha256,
          at: now,
          data: {
            ca: authority.name,
            serialNumber: leaf.serialNumber,
            fingerprintSha256: leaf.fingerprintSha256,
            notBefore: leaf.notBefore.toISOString(),
            notAfter: leaf.notAfter.toISOString(),
          },
        },
      ]);
    });
    return { signer: await deps.keys.signer(key.reference), certificates: [der, caCertificate] };
  };

  return {
    signerFor(authority) {
      const caCertificate = authority.certificate;
      if (caCertificate === null)
        return Promise.reject(
          new DomainError(
            'CUSTOS_INTERNAL',
            `CA ${authority.name} has no certificate to issue a responder with.`,
          ),
        );
      const nowMs = deps.clock.now().getTime();
      const held = current.get(authority.name);
      if (held !== undefined && nowMs < held.renewAtMs && Buffer.from(held.ca).equals(caCertificate))
        return held.signer;
      const signer = issue(authority, caCertificate);
      const entry = { renewAtMs: nowMs + (lifetimeMs * 2) / 3, ca: caCertificate, signer };
      current.set(authority.name, entry);
      // A failure is not kept: the next use tries again (the previous responder, if any, is dropped with it).
      signer.catch(() => {
        if (current.get(authority.name) === entry) current.delete(authority.name);
      });
      return signer;
    },
  };
}

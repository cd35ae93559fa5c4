import type { RevocationReason } from '../../pki/x509/extensions/crl-reason.js';
import type { KeyReference, KeyType } from './key-manager.js';

export type { RevocationReason };

/**
 * `pending`: created by `ca init --intermediate-csr`, waiting for `ca import` of its signed certificate;
 * `active`: signs; `next`: in the bundles, not yet signing (rollover overlap); `retiring`: no longer signs, still in
 * the bundles while a valid certificate it signed remains; `retired`: out of the bundles.
 */
export type AuthorityStatus = 'pending' | 'active' | 'next' | 'retiring' | 'retired';

/** A CA of the built-in CA: its issuing certificate, its chain up to its root, and where its key lives. */
export interface CertificateAuthority {
  name: string;
  status: AuthorityStatus;
  keyType: KeyType;
  key: KeyReference;
  /** The root's key when Custos made the root (`ca init`) and keeps it for rollover; null for an external root. */
  rootKey: KeyReference | null;
  /** The issuing (intermediate) certificate's DER; null while `pending`. */
  certificate: Uint8Array | null;
  /** The certificates above it, nearest first, ending with the root (DER). */
  chain: Uint8Array[];
  /** The CSR of a `pending` CA (offline-root flow). */
  csr: Uint8Array | null;
  /** From when it signs (a rotated-in CA signs only after the overlap). */
  signsFrom: Date | null;
  createdAt: Date;
}

/** A certificate the built-in CA signed. */
export interface IssuedCertificate {
  fingerprintSha256: string;
  authority: string;
  /** Lower-case hex without leading zero bytes, as ParsedCertificate.serialNumber. */
  serialNumber: string;
  der: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  identity: string | null;
  /** The provisioner that authorised it (`cli`, a bootstrap token, an OIDC provisioner, ...). */
  provisioner: string;
  issuedAt: Date;
  /** The request key it was issued under (managed certificates: `managed/NAME/N`), for crash recovery. */
  requestKey?: string | null;
  revocation: Revocation | null;
}

export interface Revocation {
  revokedAt: Date;
  reason: RevocationReason;
  /** When the key is known or suspected to have been compromised (CRL invalidityDate). */
  invalidityDate: Date | null;
}

/** The latest CRL a CA published. */
export interface CrlRecord {
  authority: string;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Uint8Array;
}

export interface AuthorityReader {
  list(): Promise<CertificateAuthority[]>;
  get(name: string): Promise<CertificateAuthority | null>;
  /** An issued certificate by CA and serial (OCSP), or by fingerprint. */
  issued(
    query: { authority: string; serialNumber: string } | { fingerprintSha256: string },
  ): Promise<IssuedCertificate | null>;
  /**
   * What the OCSP responder asks on every request: null when the CA never issued this serial, else its revocation
   * (null while it is not revoked). One indexed read of three columns.
   */
  revocationOf(authority: string, serialNumber: string): Promise<{ revocation: Revocation | null } | null>;
  /** The certificates a CA issued under a request key, oldest first (a crashed caller finds its issuance again). */
  issuedUnder(authority: string, requestKey: string): Promise<IssuedCertificate[]>;
  /** Every revoked certificate of a CA, for its CRL (expired ones included; the CRL builder decides). */
  revoked(authority: string): Promise<IssuedCertificate[]>;
  latestCrl(authority: string): Promise<CrlRecord | null>;
  /**
   * The certificates a CA issued that are still valid at `at` (not expired, not revoked): how many, and the longest
   * lifetime (notAfter - notBefore) among them in ms, 0 when none (rollover: the overlap and when the old CA retires).
   */
  validIssued(authority: string, at: Date): Promise<{ count: number; longestTtlMs: number }>;
}

/** Changes to CAs, issued certificates and CRLs inside a store transaction (with the audit events that record them). */
export interface AuthorityWriter extends AuthorityReader {
  /** Creates a CA; CUSTOS_CA_EXISTS when the name is taken. */
  create(authority: CertificateAuthority): Promise<void>;
  /** Replaces a CA's status, certificate, chain, csr or signsFrom. */
  update(name: string, change: Partial<Omit<CertificateAuthority, 'name' | 'createdAt'>>): Promise<void>;
  recordIssued(certificate: Omit<IssuedCertificate, 'revocation'>): Promise<void>;
  /** Several at once (a batch of issuances): one multi-row INSERT per chunk instead of one per certificate. */
  recordIssuedCertificates(certificates: readonly Omit<IssuedCertificate, 'revocation'>[]): Promise<void>;
  /** Records the revocation; a certificate already revoked keeps its first revocation (returns false). */
  revoke(fingerprintSha256: string, revocation: Revocation): Promise<boolean>;
  saveCrl(crl: CrlRecord): Promise<void>;
}

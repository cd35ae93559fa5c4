import type { CsrContent } from '../../pki/x509/generate/csr-reader.js';
import type { PathCertificate } from '../../pki/path/path-certificate.js';
import type { IdentityObject, PolicyObject } from '../declarative/objects.js';
import type { CertificateAuthority } from '../ports/authority-store.js';
import type { KeyType } from '../ports/key-manager.js';

/** Who asked, as a provisioner proved it (step-ca's provisioners): audited with every decision. */
export interface ProvisionerGrant {
  /** The provisioner's name (`cli` for a local operator, `api` for an API token with the issue scope). */
  name: string;
  kind: 'cli' | 'api' | 'bootstrap-token' | 'oidc' | 'kubernetes' | 'mtls';
  /** The claims the credential carried (JWT claims, the bootstrap token's identity, ...): `request.claims` in policies. */
  claims: Readonly<Record<string, unknown>>;
  /** What this provisioner may ask for; absent: no limit beyond the CA's. */
  limits?: {
    /** Glob patterns (`*.corp.example`) the DNS names, IPs and URIs must match. */
    names?: readonly string[];
    keyTypes?: readonly KeyType[];
    maxTtlMs?: number;
  };
}

/** One certificate asked of the built-in CA, from a CSR or a key the CA generated for the caller. */
export interface IssuanceRequest {
  /** The CA to sign with (default: the default CA). */
  authority: string;
  /** The request as read (signature checked first); null when the key was generated for the caller. */
  csr: CsrContent | null;
  /** The subject's DER SubjectPublicKeyInfo (the CSR's, or the generated key's). */
  publicKeySpki: Uint8Array;
  commonName: string | null;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  /** Requested lifetime; null: the CA's default. */
  ttlMs: number | null;
  identity: string | null;
  provisioner: ProvisionerGrant;
}

/** What the checks know besides the request. */
export interface IssuanceContext {
  authority: CertificateAuthority;
  /** The CA's issuing certificate, parsed. */
  caCertificate: PathCertificate;
  now: Date;
  /** The lifetime the CA gives when the request names none (`ttlMs` null): what the TTL limit and policies judge. */
  defaultTtlMs: number;
  /**
   * The stored Policy objects (`store.objects.list('Policy')`): those of `type: issuance` judge the request
   * (src/core/ca/checks/issuance-policies.ts); compliance policies are skipped here.
   */
  policies: readonly PolicyObject[];
  /** The Identity the request names, when it exists: `identity` and `owner` in issuance policies. Absent: null. */
  identity?: IdentityObject | null;
  /**
   * Known-weak RSA moduli in the format of Debian's openssl-blacklist (the last 20 hex digits of the SHA-1 of
   * `Modulus=HEX\n`), read by the composition root from files it is configured with
   * (`parseWeakKeyBlocklist`, src/core/ca/checks/debian-weak-key.ts). Absent: that check is skipped.
   */
  weakKeyBlocklist?: ReadonlySet<string>;
}

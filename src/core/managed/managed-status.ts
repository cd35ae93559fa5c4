/**
 * The persisted status of a ManagedCertificate (cert-manager's CertificateStatus) and its revisions. The lifecycle
 * decision functions (src/core/lifecycle/) read it and return changes to it; they share nothing else.
 */

export const CONDITION_TYPES = ['Ready', 'Issuing', 'DeployedPartially', 'Failed'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  /** A CamelCase constant (src/core/lifecycle/reasons.ts). */
  reason: string;
  message: string;
  /** When `status` last changed (not when the message did). */
  lastTransitionTime: Date;
}

/** A verification endpoint that does not serve the current revision. */
export interface StaleEndpoint {
  host: string;
  port: number;
  sni: string | null;
  /** The leaf it served, or null when it could not be reached. */
  servedFingerprint: string | null;
}

/**
 * A revision being issued: its number and key are chosen (and persisted) before the issuer is called, so a crash
 * between issuing and recording retries the same request with the same key, and never records two revisions.
 */
export interface PendingRevision {
  revision: number;
  /** The PKCS#8 PEM private key, sealed with the secret cipher (never stored in clear). */
  sealedPrivateKey: string;
  /** The DER SubjectPublicKeyInfo of that key. */
  publicKeySpki: Uint8Array;
  /** The stable key the issuer sees (`managed/web/3`). */
  requestKey: string;
  /** What the revision is issued for (canonical JSON of names, key and issuer), to tell a later spec change. */
  issuedFor: string;
  /** Why it is issued (the trigger's reason). */
  reason: string;
}

export interface ManagedStatus {
  name: string;
  conditions: Condition[];
  /** The current revision (issued), or null before the first. */
  revision: number | null;
  fingerprintSha256: string | null;
  /** The revision before it (what rollback restores). */
  previousRevision: number | null;
  /** When the current revision is due for renewal. */
  renewalTime: Date | null;
  /** Not before this moment is a failed or partial step tried again. */
  nextRetry: Date | null;
  /** Failed attempts of the step under way (reset when it succeeds). */
  attempts: number;
  /** `custos managed renew NAME`: a new revision now, whatever the window. */
  renewRequested: boolean;
  pending: PendingRevision | null;
  /** What the current revision was issued for (see PendingRevision.issuedFor). */
  issuedFor: string | null;
  /** The revision written to every destination, and the destinations it was written to (canonical JSON). */
  deployed: { revision: number; destinations: string } | null;
  /** The revision every verification endpoint served, and the endpoints checked (canonical JSON). */
  verified: { revision: number; endpoints: string } | null;
  staleEndpoints: StaleEndpoint[];
  /**
   * What the issuance that failed for good was for (see PendingRevision.issuedFor): the trigger waits for a change
   * of the spec or a `managed renew` before trying again.
   */
  failedFor: string | null;
  updatedAt: Date;
  /**
   * Revisions to revoke once a newer revision is verified live (key compromise, ownership change): revoking
   * before would take the site down, so the replacement comes first and the audit trail shows the order.
   */
  revokeAfterReady: RevokeAfterReady[];
}

/** A revision waiting for its replacement to be verified live before it is revoked. */
export interface RevokeAfterReady {
  revision: number;
  fingerprintSha256: string;
  reason: 'keyCompromise' | 'affiliationChanged';
}

/** One issuance of a ManagedCertificate. */
export interface CertificateRevision {
  name: string;
  revision: number;
  fingerprintSha256: string;
  certificate: Uint8Array;
  /** The certificates above the leaf, nearest first (DER). */
  chain: Uint8Array[];
  /** The PKCS#8 PEM private key, sealed with the secret cipher. */
  sealedPrivateKey: string;
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
}

/** The status of a managed certificate never reconciled. */
export function initialStatus(name: string, at: Date): ManagedStatus {
  return {
    name,
    conditions: [],
    revision: null,
    fingerprintSha256: null,
    previousRevision: null,
    renewalTime: null,
    nextRetry: null,
    attempts: 0,
    renewRequested: false,
    pending: null,
    issuedFor: null,
    deployed: null,
    verified: null,
    staleEndpoints: [],
    failedFor: null,
    updatedAt: at,
    revokeAfterReady: [],
  };
}

/** The shapes the dashboard reads from /v1 (docs/server.md); the same objects as the CLI's `--json`. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Me {
  id: string;
  kind: 'token' | 'session';
  name: string;
  scopes: string[];
  owner: string | null;
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  waivedBy?: string;
}

export interface LocationView {
  kind: string;
  host?: string;
  port?: number;
  sni?: string | null;
  path?: string;
  cluster?: string;
  namespace?: string;
  name?: string;
  deviceId?: string;
  authority?: string;
  identity?: string | null;
  firstSeen: string;
  lastSeen: string;
  endedAt?: string;
}

export interface Certificate {
  fingerprintSha256: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  keyAlgorithm: string;
  keySize: number | null;
  signatureAlgorithm: string;
  isCA: boolean;
  selfSigned: boolean;
  spiffeId: string | null;
  locations: LocationView[];
  findings: Finding[];
  owner: string | null;
  identity: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ChainEntry {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface Contacts {
  email?: string[];
  slack?: string[];
  webhooks?: Array<{ url: string }>;
}

/** A declarative object as `custos get KIND -o json` prints it. */
export interface DeclarativeObject<Spec> {
  apiVersion: 'custos/v1';
  kind: string;
  metadata: { name: string };
  spec: Spec;
}

export type Owner = DeclarativeObject<{
  contacts: Contacts;
  escalation?: Array<{ after: string; contacts: Contacts }>;
}>;

export type ExceptionObject = DeclarativeObject<{
  waives: string[];
  reason: string;
  compensatingControl: string;
  approver: string;
  expires: string;
}>;

export interface AuditEvent {
  seq: number;
  type: string;
  actor: string;
  subject: string;
  at: string;
  data: Record<string, unknown>;
}

export interface Sighting extends Omit<LocationView, 'endedAt'> {
  endedAt: string | null;
}

export interface CertificateDetail extends Certificate {
  /** The issuers above it, nearest first, as far as the inventory holds them. */
  chain: ChainEntry[];
  /** Every sighting, open (endedAt null) and ended. */
  sightings: Sighting[];
  ownerDetail: Owner | null;
  managed: { name: string; conditions: Condition[]; revision: number | null } | null;
  /** The newest audit records about it. */
  audit: AuditEvent[];
}

export interface ManagedItem {
  name: string;
  ready: string;
  reason: string;
  revision: number | null;
  fingerprintSha256: string | null;
  renewalTime: string | null;
  nextRetry: string | null;
  issuer: string;
}

export interface TimelineWeek {
  start: string;
  total: number;
  byOwner: Record<string, number>;
  bySeverity: Record<string, number>;
}

export interface Summary {
  at: string;
  certificates: number;
  expired: number;
  expiringIn7Days: number;
  expiringIn30Days: number;
  unowned: number;
  staleDeployments: number;
  openFindings: number;
  waivedByException: number;
  timeline: TimelineWeek[];
}

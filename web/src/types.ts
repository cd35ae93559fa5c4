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
  acknowledged?: boolean;
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
  issuer: string;
  notAfter: string;
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface CertificateDetail extends Certificate {
  chain: ChainEntry[];
  sightings: LocationView[];
}

export interface Contacts {
  email?: string[];
  slack?: string[];
  webhooks?: Array<{ url: string }>;
}

export interface Owner {
  name: string;
  contacts: Contacts;
  escalation?: Array<{ after: string; contacts: Contacts }>;
  certificates?: number;
}

export interface ExceptionItem {
  name: string;
  state: string;
  waives: string[];
  reason: string;
  compensatingControl: string;
  approver: string;
  expires: string;
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

export interface AuditEvent {
  seq: number;
  type: string;
  actor: string;
  subject: string;
  at: string;
  data: Record<string, unknown>;
}

export interface TimelineWeek {
  /** The first day of the week (ISO date). */
  start: string;
  byOwner: Record<string, number>;
  bySeverity: Record<string, number>;
}

export interface Summary {
  total: number;
  expired: number;
  expiring7d: number;
  expiring30d: number;
  unowned: number;
  staleDeployments: number;
  openFindings: number;
  waived: number;
  timeline: TimelineWeek[];
}

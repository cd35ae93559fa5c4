/** The JSON the CLI prints, as the contract describes it (what scripts and later work rely on). */
export interface ScanSummary {
  files: number;
  certificates: number;
  new: number;
  unchanged?: number;
  errors: Array<{ path: string; code: string; message: string }>;
}

export interface FileLocationEntry {
  kind: string;
  path: string;
  firstSeen: string;
  lastSeen: string;
  endedAt?: string;
  k8sSecret?: { namespace: string; name: string };
}

export interface InventoryEntry {
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
  locations: FileLocationEntry[];
  keyLocations?: FileLocationEntry[];
  findings: Array<{ code: string; severity: string; message: string }>;
}

export interface AuditLine {
  seq: number;
  type: string;
  actor: string;
  subject: string;
  at: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/**
 * The finding codes of issue 3 (the inventory's own checks). Later features add theirs (`unowned`, policy codes),
 * so these tests compare only these.
 */
export const INVENTORY_FINDINGS: ReadonlySet<string> = new Set([
  'expired',
  'expiring-soon',
  'not-yet-valid',
  'weak-key',
  'weak-signature',
  'long-validity',
  'self-signed',
  'key-mismatch',
  // One code per fact (issue 9): the default policies' codes stand for weak-key and long-validity.
  'key-type-not-allowed',
  'validity-too-long',
]);

/** The inventory finding codes of an entry, sorted. */
export const inventoryFindings = (entry: { findings: Array<{ code: string }> }): string[] =>
  entry.findings
    .map((f) => f.code)
    .filter((code) => INVENTORY_FINDINGS.has(code))
    .sort();

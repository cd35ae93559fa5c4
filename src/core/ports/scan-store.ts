import type { JsonValue } from './job-queue.js';

/** What a scan started through the API looks at: files and directories, or TLS endpoints. */
export type ScanKind = 'files' | 'tls' | 'profile';

/** `queued` until a worker takes its job, `running` while it scans, then `succeeded` or `failed` (with its error). */
export type ScanStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ScanProgress {
  /** Files read, or endpoints done. */
  done: number;
  /** Endpoints planned (TLS); null for files, whose number is known only at the end. */
  total: number | null;
  /** Certificates read so far. */
  certificates: number;
}

/**
 * A scan started through the API (`POST /v1/scans`) and worked by a `scan.run` job: its request as accepted, its
 * progress while it runs, and its result (what `custos scan files|tls --json` prints) once done.
 */
export interface ScanRecord {
  /** `scn_` and 16 hex digits. */
  id: string;
  kind: ScanKind;
  status: ScanStatus;
  /** The request as accepted (targets and options). */
  request: JsonValue;
  progress: ScanProgress;
  result: JsonValue | null;
  error: { code: string; message: string } | null;
  /** The audit actor that started it (`api:tok_...`). */
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export type ScanUpdate = Partial<
  Pick<ScanRecord, 'status' | 'progress' | 'result' | 'error' | 'startedAt' | 'finishedAt'>
>;

export interface ScanReader {
  get(id: string): Promise<ScanRecord | null>;
  /** The newest scans first, at most `limit`. */
  recent(limit: number): Promise<ScanRecord[]>;
}

/** Scans inside a store transaction. */
export interface ScanWriter extends ScanReader {
  create(record: ScanRecord): Promise<void>;
  /** Changes what is given; false when no scan has that id. */
  update(id: string, update: ScanUpdate): Promise<boolean>;
}

import type { Job, JobStatus, JsonValue } from '../ports/job-queue.js';

/** A job as `custos jobs list --json` prints it (a contract for scripts): times as ISO 8601 UTC. */
export interface JobView {
  id: number;
  kind: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  /** When a queued job is due (its first run or its next retry); null while running and once failed. */
  nextRunAt: string | null;
  /** When a running job's lease runs out; null otherwise. */
  leaseUntil: string | null;
  worker: string | null;
  lastError: string | null;
  dedupKey: string | null;
  createdAt: string;
  payload: JsonValue;
}

export function jobView(job: Job): JobView {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    nextRunAt: job.status === 'queued' ? job.runAt.toISOString() : null,
    leaseUntil: job.status === 'running' ? (job.leaseUntil?.toISOString() ?? null) : null,
    worker: job.worker,
    lastError: job.lastError,
    dedupKey: job.dedupKey,
    createdAt: job.createdAt.toISOString(),
    payload: job.payload,
  };
}

export const JOB_TABLE_HEADER = ['ID', 'KIND', 'STATUS', 'ATTEMPTS', 'NEXT RUN', 'WORKER', 'LAST ERROR'];

export function jobRow(view: JobView): string[] {
  return [
    String(view.id),
    view.kind,
    view.status === 'running' && view.leaseUntil !== null
      ? `running (lease to ${view.leaseUntil})`
      : view.status,
    `${view.attempts}/${view.maxAttempts}`,
    view.nextRunAt ?? '-',
    view.worker ?? '-',
    view.lastError ?? '',
  ];
}

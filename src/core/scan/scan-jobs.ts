/**
 * The `scan.run` jobs of scans started over the API: a worker claims one under a lease, marks the scan running,
 * scans (files or TLS, the same use cases as `custos scan`), records progress as it goes (extending the lease) and
 * finally the result or the error, completing the job in that same transaction. A worker that dies mid-scan leaves
 * the lease to run out; the scan is then claimed again and runs from the start (scans are idempotent).
 */
import { DomainError } from '../errors.js';
import { drainJobs, type DrainSummary, type JobContext, type JobHandler } from '../jobs/drain-jobs.js';
import type { Job, JsonValue } from '../ports/job-queue.js';
import type { Random } from '../ports/random.js';
import type { ScanProgress, ScanRecord, ScanUpdate } from '../ports/scan-store.js';
import { scanFiles } from '../scan-files.js';
import { scanTls, type TlsEndpointResult } from '../scan-tls.js';
import { profileNamed, runScanProfile, type ScanProfileDependencies } from './scan-profiles.js';
import {
  expiringSoonDays,
  planTlsRequest,
  SCAN_JOB,
  trustedCertificates,
  type FilesScanRequest,
  type ProfileScanRequest,
  type TlsScanRequest,
} from './start-scan.js';

/** What the scans run with: the profile dependencies (`trustAnchors([])` are the system's roots) and the jitter. */
export interface ScanJobDependencies extends ScanProfileDependencies {
  random: Random;
}

/** A scan's lease: extended with every progress write, so only a dead worker loses it. */
const SCAN_LEASE_MS = 60_000;
/** Progress is written at most this often. */
const PROGRESS_EVERY_MS = 1_000;

/** Writes progress now and then, one write at a time, extending the lease with each. */
function progressWriter(deps: ScanJobDependencies, scan: string, context: JobContext) {
  let last = 0;
  let pending: Promise<unknown> = Promise.resolve();
  return {
    report(progress: ScanProgress): void {
      const now = deps.clock.now().getTime();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      pending = pending.then(async () => {
        await context.extendLease();
        await deps.store.transaction((tx) => tx.scans.update(scan, { progress }));
      });
    },
    settled: () => pending.catch(() => undefined),
  };
}

async function runFiles(
  deps: ScanJobDependencies,
  record: ScanRecord,
  report: (p: ScanProgress) => void,
): Promise<{ result: JsonValue; progress: ScanProgress }> {
  const request = record.request as unknown as FilesScanRequest;
  const result = await scanFiles(deps, {
    paths: request.targets,
    passwords: [],
    actor: record.createdBy,
    onProgress: (p) => report({ done: p.files, total: null, certificates: p.certificates }),
  });
  return {
    result: result as unknown as JsonValue,
    progress: { done: result.files, total: result.files, certificates: result.certificates },
  };
}

async function runTls(
  deps: ScanJobDependencies,
  record: ScanRecord,
  report: (p: ScanProgress) => void,
): Promise<{ result: JsonValue; progress: ScanProgress }> {
  const request = record.request as unknown as TlsScanRequest;
  const plan = planTlsRequest(request);
  const results: TlsEndpointResult[] = [];
  let certificates = 0;
  const summary = await scanTls(deps, {
    endpoints: plan.endpoints(),
    concurrency: deps.concurrency,
    trustAnchors: [...(await deps.trustAnchors([])), ...trustedCertificates(request)],
    expiringWithinDays: expiringSoonDays(request),
    endAfter: deps.endAfter,
    actor: record.createdBy,
    onResult: (result) => {
      results.push(result);
      if (result.ok) certificates += result.chain.length;
      report({ done: results.length, total: plan.total, certificates });
    },
  });
  // What `custos scan tls --json` prints.
  const result = { results, summary: { ...summary, skippedAddresses: plan.skippedAddresses } };
  return {
    result: result as unknown as JsonValue,
    progress: { done: results.length, total: plan.total, certificates: summary.certificates },
  };
}

/**
 * A profile of this server's configuration, resolved now (CUSTOS_NOT_FOUND when it was removed since), its passwords
 * read from this process's environment now: what `custos scan --profile NAME --json` prints for it.
 */
async function runProfile(
  deps: ScanJobDependencies,
  record: ScanRecord,
  report: (p: ScanProgress) => void,
): Promise<{ result: JsonValue; progress: ScanProgress }> {
  const request = record.request as unknown as ProfileScanRequest;
  const profile = profileNamed(deps.profiles, request.profile);
  let endpoints = 0;
  let certificates = 0;
  const run = await runScanProfile(deps, profile, {
    actor: record.createdBy,
    onTlsResult: (result, plan) => {
      endpoints += 1;
      if (result.ok) certificates += result.chain.length;
      report({ done: endpoints, total: plan.total, certificates });
    },
    onFilesProgress: (p) =>
      report({ done: endpoints + p.files, total: null, certificates: certificates + p.certificates }),
  });
  const done = endpoints + (run.files?.files ?? 0);
  return {
    result: run as unknown as JsonValue,
    progress: {
      done,
      total: done,
      certificates: (run.tls?.certificates ?? 0) + (run.files?.certificates ?? 0),
    },
  };
}

/** The handler of `scan.run` jobs. */
export function scanJobHandler(deps: ScanJobDependencies): JobHandler {
  return async (job: Job, context: JobContext) => {
    const id = (job.payload as { scan?: unknown } | null)?.scan;
    if (typeof id !== 'string') return; // a malformed payload: nothing to do, the job completes
    const record = await deps.store.scans.get(id);
    if (record === null || record.status === 'succeeded' || record.status === 'failed') return;
    await deps.store.transaction((tx) =>
      tx.scans.update(id, { status: 'running', startedAt: deps.clock.now() }),
    );
    const progress = progressWriter(deps, id, context);
    let update: ScanUpdate;
    try {
      const run = record.kind === 'files' ? runFiles : record.kind === 'tls' ? runTls : runProfile;
      const done = await run(deps, record, (p) => progress.report(p));
      update = { status: 'succeeded', result: done.result, progress: done.progress };
    } catch (error) {
      // An unexpected failure is tried again while attempts remain (the job's backoff); a scan that cannot run
      // (a path that does not exist, a store failure) or whose last attempt failed ends failed, with its code.
      const known = error instanceof DomainError;
      if (!known && job.attempts < job.maxAttempts) {
        await progress.settled();
        throw error;
      }
      update = {
        status: 'failed',
        error: known
          ? { code: error.code, message: error.message }
          : {
              code: 'CUSTOS_INTERNAL',
              message: 'The scan failed unexpectedly; the server log holds the cause.',
            },
      };
    } finally {
      await progress.settled();
    }
    await deps.store.transaction(async (tx) => {
      await tx.scans.update(id, { ...update, finishedAt: deps.clock.now() });
      await tx.jobs.complete(context.lease);
    });
  };
}

/** Works the queued `scan.run` jobs until none is due; returns what was done. */
export function runScanJobs(
  deps: ScanJobDependencies,
  input: { worker: string; concurrency?: number },
): Promise<DrainSummary> {
  return drainJobs(
    { jobs: deps.store.jobs, clock: deps.clock, random: deps.random },
    {
      worker: input.worker,
      handlers: { [SCAN_JOB]: scanJobHandler(deps) },
      leaseMs: SCAN_LEASE_MS,
      concurrency: input.concurrency ?? 1,
      backoff: { baseMs: 5_000, maxMs: 60_000 },
    },
  );
}

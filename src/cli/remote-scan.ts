import { DomainError } from '../core/errors.js';
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.js';
import { counted } from '../core/plural.js';
import type { Progress } from './output.js';
import type { ApiClient } from './runtime.js';

interface ScanState {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { done: number; total: number | null; certificates: number };
  error: { code: string; message: string } | null;
  result: unknown;
}

const POLL_MS = 500;

/**
 * Starts a scan on the server (`POST /v1/scans`) and follows it (`GET /v1/scans/{id}`) until it is done, showing its
 * progress; answers what the local command would have (the scan's result), or throws the scan's own error.
 */
export async function runRemoteScan(api: ApiClient, body: object, progress: Progress): Promise<unknown> {
  const started = await api.request<ScanState>({ method: 'POST', path: '/v1/scans', body });
  for (;;) {
    const scan = await api.request<ScanState>({ method: 'GET', path: `/v1/scans/${started.id}` });
    if (scan.status === 'succeeded') return scan.result;
    if (scan.status === 'failed') {
      const code = scan.error?.code;
      const known: ErrorCode =
        code !== undefined && code in ERROR_CODES ? (code as ErrorCode) : 'CUSTOS_INTERNAL';
      throw new DomainError(known, scan.error?.message ?? `scan ${scan.id} failed`);
    }
    const { done, total, certificates } = scan.progress;
    progress.update(
      scan.status === 'queued'
        ? `scan ${scan.id} queued on the server`
        : `scanning on the server: ${total === null ? done : `${done}/${total}`} done, ${counted(certificates, 'certificate')}`,
    );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

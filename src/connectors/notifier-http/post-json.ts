import type { DeliveryOutcome } from '../../core/ports/notifier.js';

/**
 * POSTs a JSON body with Node's fetch, bounded by `timeoutMs`. Any 2xx is delivered; a redirect is not followed
 * (a notice goes where it was configured, nowhere else). Errors name the URL's origin only: the path of an
 * incoming-webhook URL is a secret.
 */
export async function postJson(
  url: string,
  body: string,
  options: { timeoutMs: number; headers?: Record<string, string> },
): Promise<DeliveryOutcome> {
  const where = originOf(url);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'custos', ...options.headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return { ok: true };
    return { ok: false, error: `HTTP ${response.status} from ${where}` };
  } catch (cause) {
    return { ok: false, error: `${where}: ${reasonOf(cause, options.timeoutMs)}` };
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

function reasonOf(cause: unknown, timeoutMs: number): string {
  if (cause instanceof DOMException && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  if (cause instanceof Error) {
    const inner = cause.cause;
    const code = inner instanceof Error && 'code' in inner ? String(inner.code) : null;
    return code !== null ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseCheckpointText } from '../core/audit/read-checkpoint.js';
import type { AuditCheckpoint } from '../core/audit/audit-seal.js';
import { DomainError } from '../core/errors.js';
import type { CheckpointToCheck } from '../core/verify-audit.js';
import { postJson } from '../connectors/notifier-http/post-json.js';
import { signatureHeader, SIGNATURE_HEADER } from '../connectors/notifier-webhook/signature.js';

/** The files `audit verify`, `export` and `checkpoint` read: checkpoints, exports, public keys, webhook secrets. */

function unreadable(path: string, error: unknown, what: string): DomainError {
  const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
  return new DomainError(
    missing ? 'CUSTOS_FILE_NOT_FOUND' : 'CUSTOS_FILE_UNREADABLE',
    `cannot read ${path}`,
    {
      cause: error,
      hint: `give the path of ${what}`,
    },
  );
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(path, error, what);
  }
}

export async function readCheckpoints(paths: string[]): Promise<CheckpointToCheck[]> {
  return Promise.all(
    paths.map(async (source) => ({
      source,
      checkpoint: parseCheckpointText(await readText(source, 'a checkpoint file'), source),
    })),
  );
}

export const readPublicKey = (path: string): Promise<string> => readText(path, 'a PEM public key');

/** The lines of an export file, streamed (an export of millions of records is never held in memory). */
export async function* exportLines(path: string): AsyncIterable<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw unreadable(path, error, 'a file `custos audit export` wrote');
  }
  yield* createInterface({ input: stream, crlfDelay: Infinity });
}

/**
 * Sends a checkpoint to a webhook as JSON, signed as notifications are (Custos-Signature, HMAC-SHA-256 of
 * `"<t>.<body>"`) when a secret is given; the body carries its own Ed25519 signature either way.
 */
export async function sendCheckpoint(
  url: string,
  checkpoint: AuditCheckpoint,
  options: { secretFile?: string; at: Date },
): Promise<void> {
  const body = JSON.stringify(checkpoint);
  const secret = options.secretFile
    ? (await readText(options.secretFile, 'a file holding the webhook secret')).trim()
    : undefined;
  const outcome = await postJson(url, body, {
    timeoutMs: 10_000,
    headers: secret ? { [SIGNATURE_HEADER]: signatureHeader(secret, options.at, body) } : {},
  });
  if (!outcome.ok) {
    throw new DomainError(
      'CUSTOS_CHECKPOINT_NOT_SENT',
      `The checkpoint was not delivered: ${outcome.error}.`,
      {
        hint: 'The checkpoint was printed; send it again or keep the printed copy.',
      },
    );
  }
}

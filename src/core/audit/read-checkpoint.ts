import { DomainError } from '../errors.js';
import type { AuditCheckpoint } from './audit-seal.js';

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * A checkpoint as `custos audit checkpoint` prints it (and as the last line of `custos audit export`), checked for
 * shape only; its signature is checked by whoever holds the key to check it with.
 */
export function parseCheckpoint(value: unknown, source: string): AuditCheckpoint {
  const fields = value as Partial<AuditCheckpoint> | null;
  const statement = fields?.checkpoint;
  const valid =
    typeof statement === 'object' &&
    statement !== null &&
    Number.isSafeInteger(statement.seq) &&
    statement.seq >= 0 &&
    typeof statement.hash === 'string' &&
    HEX64.test(statement.hash) &&
    typeof statement.at === 'string' &&
    typeof fields?.keyId === 'string' &&
    typeof fields.signature === 'string' &&
    typeof fields.publicKey === 'string';
  if (!valid) {
    throw new DomainError(
      'CUSTOS_CHECKPOINT_INVALID',
      `${source} is not an audit checkpoint: it needs {"checkpoint":{"seq","hash","at"},"keyId","signature","publicKey"}.`,
      { hint: 'Give a file that `custos audit checkpoint` wrote.' },
    );
  }
  const { seq, hash, at } = statement;
  return {
    checkpoint: { seq, hash, at },
    keyId: fields.keyId as string,
    signature: fields.signature as string,
    publicKey: fields.publicKey as string,
  };
}

/** A checkpoint file's text: one JSON object. */
export function parseCheckpointText(text: string, source: string): AuditCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  return parseCheckpoint(value, source);
}

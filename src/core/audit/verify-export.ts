import { DomainError } from '../errors.js';
import { AuditChainVerifier, span, type AuditBreak } from './audit-chain.js';
import type { AuditRecord } from './audit-event.js';
import { checkpointSignatureProblem, publicKeyId, type AuditCheckpoint } from './audit-seal.js';
import { parseCheckpoint } from './read-checkpoint.js';

export interface ExportVerification {
  ok: boolean;
  records: number;
  /** The seq range the export covers. */
  firstSeq: number | null;
  lastSeq: number | null;
  /** The key the checkpoint was signed with (compare it with the published key, or pin it with --public-key). */
  keyId: string | null;
  break: AuditBreak | null;
}

/**
 * Verifies an `audit export` without the database or the audit key: the public hash chain of its records (hashes,
 * seq order, links; an export made with --since starts at a record whose predecessor is not in it) and its
 * checkpoint: signed by the pinned key (or, without one, by the key it names), and vouching for the export's last
 * record, so that a record dropped from the end, edited, or appended after the export is caught. The records'
 * MACs need the key and are not checked here.
 */
export async function verifyExport(
  lines: AsyncIterable<string>,
  options: { source: string; publicKeyPem?: string },
): Promise<ExportVerification> {
  let verifier: AuditChainVerifier | null = null;
  let first: number | null = null;
  let last: AuditRecord | null = null;
  let checkpoint: AuditCheckpoint | null = null;
  let lineNumber = 0;
  const result = (broken: AuditBreak | null): ExportVerification => ({
    ok: broken === null,
    records: verifier?.count ?? 0,
    firstSeq: first,
    lastSeq: last?.seq ?? null,
    keyId: checkpoint?.keyId ?? null,
    break: broken,
  });
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const value = parseLine(line, `${options.source} line ${lineNumber}`);
    if (checkpoint !== null) {
      return result({
        kind: 'checkpoint',
        seq: (last?.seq ?? 0) + 1,
        message: `${options.source} line ${lineNumber} follows the checkpoint: it was added after the export was signed`,
      });
    }
    if ('checkpoint' in value) {
      checkpoint = parseCheckpoint(value, `${options.source} line ${lineNumber}`);
      continue;
    }
    const record = toRecord(value, `${options.source} line ${lineNumber}`);
    verifier ??= new AuditChainVerifier(null, { seq: record.seq - 1, hash: record.prevHash });
    first ??= record.seq;
    const broken = verifier.check(record);
    if (broken) return result(broken);
    last = record;
  }
  return result(checkpointBreak(checkpoint, last, options));
}

function checkpointBreak(
  checkpoint: AuditCheckpoint | null,
  last: AuditRecord | null,
  options: { source: string; publicKeyPem?: string },
): AuditBreak | null {
  const lastSeq = last?.seq ?? 0;
  if (checkpoint === null) {
    return {
      kind: 'checkpoint',
      seq: lastSeq,
      message: `${options.source} has no checkpoint: nothing proves that records after ${lastSeq} were not cut off`,
    };
  }
  const seq = checkpoint.checkpoint.seq;
  const key = options.publicKeyPem ?? checkpoint.publicKey;
  if (options.publicKeyPem !== undefined && publicKeyId(options.publicKeyPem) !== checkpoint.keyId) {
    return {
      kind: 'checkpoint',
      seq,
      message: `the checkpoint of ${options.source} was signed by audit key ${checkpoint.keyId}, not by the pinned key ${publicKeyId(options.publicKeyPem)}`,
    };
  }
  const problem = checkpointSignatureProblem(checkpoint, key);
  if (problem)
    return { kind: 'checkpoint', seq, message: `the checkpoint of ${options.source} is forged: ${problem}` };
  if (seq !== lastSeq || (last !== null && checkpoint.checkpoint.hash !== last.hash)) {
    return {
      kind: 'checkpoint',
      seq: Math.min(seq, lastSeq + 1),
      message:
        seq > lastSeq
          ? `${span(lastSeq + 1, seq)} removed: the checkpoint vouches for record ${seq} but ${options.source} ends at ${lastSeq}`
          : `record ${lastSeq} is not the one the checkpoint signed (record ${seq}): the end of ${options.source} was changed`,
    };
  }
  return null;
}

function parseLine(line: string, where: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw invalid(where, 'is not a JSON object');
}

function toRecord(value: Record<string, unknown>, where: string): AuditRecord {
  const { seq, type, actor, subject, at, data, prevHash, hash, mac } = value;
  const when = typeof at === 'string' ? new Date(at) : null;
  if (
    !Number.isSafeInteger(seq) ||
    typeof type !== 'string' ||
    typeof actor !== 'string' ||
    typeof subject !== 'string' ||
    when === null ||
    Number.isNaN(when.getTime()) ||
    typeof data !== 'object' ||
    data === null ||
    typeof prevHash !== 'string' ||
    typeof hash !== 'string'
  ) {
    throw invalid(where, 'is not an audit record {seq,type,actor,subject,at,data,prevHash,hash}');
  }
  return {
    seq: seq as number,
    type,
    actor,
    subject,
    at: when,
    data: data as Record<string, unknown>,
    prevHash,
    hash,
    mac: typeof mac === 'string' ? mac : null,
  };
}

function invalid(where: string, what: string): DomainError {
  return new DomainError('CUSTOS_CHECKPOINT_INVALID', `${where} ${what}.`, {
    hint: 'Give a file that `custos audit export` wrote.',
  });
}

import { access } from 'node:fs/promises';
import { readUserFile } from '../../connectors/files/read-user-file.js';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { collectionKey, KEY_NOT_PLAIN } from '../../pki/formats/yaml-keys.js';
import type { Environment } from './environment.js';

/** The configuration file as read: its values, and the line of each key for sources and problems. */
export interface ConfigFile {
  /** The absolute path. */
  path: string;
  /** The parsed document, not yet validated (null when the file is empty). */
  value: unknown;
  /** The 1-based line of the key at a path (of its nearest parent present, else 1). */
  lineOf(path: readonly string[]): number;
  /** YAML syntax errors, each with its line. */
  syntaxErrors: Array<{ line: number; message: string }>;
}

/** The name looked for in the working directory when neither --config nor CUSTOS_CONFIG names a file. */
const DEFAULT_CONFIG_FILE = 'custos.yaml';

/**
 * Which file configures this run: `--config FILE`, else `CUSTOS_CONFIG`, else `./custos.yaml` when it exists,
 * else none. A file named by the flag or the variable must exist.
 */
export async function findConfigFile(
  flag: string | undefined,
  env: Environment,
  cwd: string,
): Promise<{ path: string; namedBy: string } | null> {
  const named = flag !== undefined ? { path: flag, namedBy: '--config' } : undefined;
  const fromEnv = env.CUSTOS_CONFIG ? { path: env.CUSTOS_CONFIG, namedBy: 'CUSTOS_CONFIG' } : undefined;
  const chosen = named ?? fromEnv;
  if (chosen !== undefined) return { path: resolve(cwd, chosen.path), namedBy: chosen.namedBy };
  const implicit = resolve(cwd, DEFAULT_CONFIG_FILE);
  try {
    await access(implicit);
    return { path: implicit, namedBy: `./${DEFAULT_CONFIG_FILE}` };
  } catch {
    return null;
  }
}

/** The line of the key at the path: the key itself, so a map value points at `scan:`, not at its first child. */
function keyLine(doc: Document, lineCounter: LineCounter, path: readonly string[]): number {
  let node: unknown = doc.contents;
  let line = 1;
  for (const part of path) {
    if (isSeq(node)) {
      const item: unknown = node.items[Number(part)];
      const range = isScalar(item) || isMap(item) || isSeq(item) ? item.range : undefined;
      if (range === undefined || range === null) break;
      line = lineCounter.linePos(range[0]).line;
      node = item;
      continue;
    }
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
    if (pair === undefined || !isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null)
      break;
    line = lineCounter.linePos(pair.key.range[0]).line;
    node = pair.value;
  }
  return line;
}

/** A configuration file is a few kilobytes; anything past 1 MiB is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export async function readConfigFile(found: { path: string; namedBy: string }): Promise<ConfigFile> {
  // The one reader of user-named files: regular files only, within the size limit (a FIFO cannot hang it).
  const text = (
    await readUserFile(found.path, {
      maxBytes: MAX_CONFIG_BYTES,
      what: `${found.namedBy}: the configuration file`,
    })
  ).toString('utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxErrors = doc.errors.map((e) => ({
    line: lineCounter.linePos(e.pos[0]).line,
    message: `YAML: ${e.message}`,
  }));
  const badKey = syntaxErrors.length === 0 ? collectionKey(doc) : null;
  if (badKey !== null)
    syntaxErrors.push({ line: lineCounter.linePos(badKey.range?.[0] ?? 0).line, message: KEY_NOT_PLAIN });
  let value: unknown = null;
  if (syntaxErrors.length === 0) {
    try {
      // A configuration file is small and flat: a few aliases at most, never a bomb of them.
      value = doc.toJS({ maxAliasCount: 20 }) as unknown;
    } catch (error) {
      syntaxErrors.push({ line: 1, message: `YAML: ${(error as Error).message}` });
    }
  }
  return {
    path: found.path,
    value,
    lineOf: (path) => keyLine(doc, lineCounter, path),
    syntaxErrors,
  };
}

import { DomainError } from '../../core/errors.js';
import { effectiveProblems, layerProblems, type SchemaProblem } from './config-validator.js';
import { findConfigFile, readConfigFile, type ConfigFile } from './config-file.js';
import type { Environment } from './environment.js';
import { provisionerProblems } from './provisioners-config.js';
import { CONFIG_KEYS, type Config, type ConfigKey } from './schema.js';
import { sourceWhere, type ValueSource } from './value-source.js';
import { counted } from '../../core/plural.js';

/** A configuration key set on the command line: `--timeout 3s` sets `scan.timeout`. */
export interface ConfigFlag {
  /** The key's dotted name, e.g. `scan.timeout`. */
  key: string;
  /** The flag as typed, e.g. `--timeout`. */
  flag: string;
  /** The text given (a list for a repeatable flag). */
  value: string | string[];
}

export interface ConfigInput {
  /** `--config FILE`. */
  configFile?: string;
  flags: readonly ConfigFlag[];
  env: Environment;
  /** Where `./custos.yaml` and relative paths are looked up. */
  cwd: string;
}

export interface LoadedConfig {
  config: Config;
  /** Where each key's value came from, by dotted name (keys with no value are absent). */
  sources: ReadonlyMap<string, ValueSource>;
  /** The configuration file read, if any. */
  file: string | null;
}

/** One value set by one layer, with where it was set. */
interface Setting {
  key: ConfigKey;
  value: unknown;
  source: ValueSource;
}

interface Problem {
  where: string;
  key: string;
  message: string;
}

/** Environment and flag values are text: each is turned into the key's type, or left as text for the schema to refuse. */
function coerce(key: ConfigKey, text: string | string[]): unknown {
  if (key.schema.type === 'array') {
    const parts = Array.isArray(text) ? text : text.split(',');
    return parts.map((p) => p.trim()).filter((p) => p !== '');
  }
  const one = Array.isArray(text) ? (text.at(-1) ?? '') : text;
  if (key.schema.type === 'integer' || key.schema.type === 'number')
    return /^\s*[+-]?\d+(\.\d+)?\s*$/.test(one) ? Number(one) : one;
  if (key.schema.type === 'boolean') return one === 'true' ? true : one === 'false' ? false : one;
  return one;
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    node[part] = typeof next === 'object' && next !== null ? next : {};
    node = node[part] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
}

function getIn(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const part of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** `scan.dnsServers[1]`: keys dotted, list indexes in brackets. */
const pathText = (path: readonly string[]): string =>
  path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

const startsWith = (path: readonly string[], prefix: readonly string[]): boolean =>
  prefix.every((p, i) => path[i] === p);

/** The key a problem's path falls in (the path may go below a key, into a list). */
const keyAt = (path: readonly string[]): ConfigKey | undefined =>
  CONFIG_KEYS.find((k) => startsWith(path, k.path));

/** Checks the settings of the environment or the flags: each problem is placed at its variable or flag. */
function textLayerProblems(settings: Setting[]): Problem[] {
  const layer: Record<string, unknown> = {};
  for (const s of settings) setIn(layer, s.key.path, s.value);
  return layerProblems(layer).map((p) => {
    const setting = settings.find((s) => startsWith(p.path, s.key.path));
    return {
      where: setting ? sourceWhere(setting.source) : '(unknown)',
      key: pathText(p.path),
      message: p.message,
    };
  });
}

function fileProblems(file: ConfigFile): Problem[] {
  const at = (line: number) => `${file.path}:${line}`;
  if (file.syntaxErrors.length > 0)
    return file.syntaxErrors.map((e) => ({ where: at(e.line), key: '(file)', message: e.message }));
  if (file.value === null || file.value === undefined) return [];
  if (typeof file.value !== 'object' || Array.isArray(file.value))
    return [{ where: at(1), key: '(file)', message: 'must be a map of keys (see docs/configuration.md)' }];
  return layerProblems(file.value)
    .map((p: SchemaProblem) => ({
      line: file.lineOf(p.path),
      key: pathText(p.path) || '(file)',
      message: p.message,
    }))
    .sort((a, b) => a.line - b.line)
    .map(({ line, key, message }) => ({ where: at(line), key, message }));
}

function fileSettings(file: ConfigFile | null): Setting[] {
  if (file === null) return [];
  return CONFIG_KEYS.flatMap((key) => {
    const value = getIn(file.value, key.path);
    return value === undefined || value === null
      ? []
      : [{ key, value, source: { from: 'file' as const, file: file.path, line: file.lineOf(key.path) } }];
  });
}

function envSettings(env: Environment): Setting[] {
  return CONFIG_KEYS.flatMap((key) => {
    const text = env[key.env];
    // An empty variable is unset, as shells and container runtimes write "not given".
    return text === undefined || text === ''
      ? []
      : [{ key, value: coerce(key, text), source: { from: 'env' as const, variable: key.env } }];
  });
}

function flagSettings(flags: readonly ConfigFlag[]): Setting[] {
  return flags.map((f) => {
    const key = CONFIG_KEYS.find((k) => k.name === f.key);
    if (key === undefined) throw new Error(`flag ${f.flag} names no configuration key ${f.key}`);
    return { key, value: coerce(key, f.value), source: { from: 'flag' as const, flag: f.flag } };
  });
}

function configError(problems: Problem[]): DomainError {
  const lines = problems.map((p) => `  ${p.where}: ${p.key}: ${p.message}`);
  return new DomainError(
    'CUSTOS_CONFIG_INVALID',
    `the configuration has ${counted(problems.length, 'problem')}, nothing was done\n${lines.join('\n')}`,
    { hint: 'fix every problem listed; docs/configuration.md lists the keys' },
  );
}

/**
 * The effective configuration of a run: flags over `CUSTOS_*` environment variables over the file over the
 * schema's defaults. Every layer is checked whole, so that every unknown key, wrong type and bad value is
 * reported at once (CUSTOS_CONFIG_INVALID), each at its line, variable or flag.
 */
export async function loadConfig(input: ConfigInput): Promise<LoadedConfig> {
  const found = await findConfigFile(input.configFile, input.env, input.cwd);
  const file = found === null ? null : await readConfigFile(found);
  const env = envSettings(input.env);
  const flags = flagSettings(input.flags);
  const problems = [
    ...(file === null ? [] : fileProblems(file)),
    ...textLayerProblems(env),
    ...textLayerProblems(flags),
  ];
  if (problems.length > 0) throw configError(problems);

  const config: Record<string, unknown> = {};
  const sources = new Map<string, ValueSource>();
  const layers = [flags, env, fileSettings(file)];
  for (const key of CONFIG_KEYS) {
    const setting = layers.map((l) => l.find((s) => s.key === key)).find((s) => s !== undefined);
    const fallback = (key.schema as { default?: unknown }).default;
    if (setting !== undefined) {
      setIn(config, key.path, setting.value);
      sources.set(key.name, setting.source);
    } else if (fallback !== undefined) {
      setIn(config, key.path, fallback);
      sources.set(key.name, { from: 'default' });
    }
  }
  // The server's public URL follows its scheme: https once it serves TLS, unless set.
  const tls = (config as Config).server.tls;
  if (sources.get('server.baseUrl')?.from === 'default' && (tls.enabled || tls.certFile !== undefined))
    setIn(config, ['server', 'baseUrl'], 'https://127.0.0.1:8700');
  // What only the layers together can miss: a key required once its sibling is set (smtp.from with smtp.url).
  const missing = effectiveProblems(config).map((p) => {
    const parent = p.path.slice(0, -1);
    const sibling = CONFIG_KEYS.find((k) => startsWith(k.path, parent) && sources.has(k.name));
    const source = sibling === undefined ? undefined : sources.get(sibling.name);
    const key = p.path.join('.');
    return {
      where: source === undefined ? '(configuration)' : sourceWhere(source),
      key,
      message: `${p.message} when ${sibling?.name ?? parent.join('.')} is set (set ${key} in the file or ${keyAt(p.path)?.env ?? 'its variable'})`,
    };
  });
  if (missing.length > 0) throw configError(missing);
  // What only the keys of one list entry together can get wrong (the keys a provisioner's type needs).
  const together = provisionerProblems(config as Config).map((p) => {
    const source = sources.get('provisioners');
    return {
      where:
        source?.from === 'file' && file !== null
          ? `${file.path}:${file.lineOf(p.path)}`
          : source === undefined
            ? '(configuration)'
            : sourceWhere(source),
      key: pathText(p.path),
      message: p.message,
    };
  });
  if (together.length > 0) throw configError(together);
  return { config: config as Config, sources, file: file?.path ?? null };
}

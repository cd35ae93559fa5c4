import type { Command } from 'commander';
import { readEnvironment } from '../compose/config/environment.js';
import type { ConfigFlag } from '../compose/config/load-config.js';
import { configKey } from '../compose/config/schema.js';
import type { ComposeOptions } from '../compose/runtime.js';

/** What a command passes to the composition root: the --config file and the configuration keys its flags set. */
export type GlobalOptions = ComposeOptions;

/** The flags that set a configuration key, per command: commander option name -> key and flag text. */
const bindings = new WeakMap<Command, Map<string, { key: string; flag: string }>>();

/**
 * Adds a flag that sets a configuration key (`--timeout` sets `scan.timeout`). It has no commander default: the
 * key's value comes from the flag, else CUSTOS_*, else custos.yaml, else the schema's default, which the help shows.
 */
export function configOption(
  command: Command,
  key: string,
  flags: string,
  description: string,
  parse?: (value: string, previous: string[] | undefined) => string[],
): Command {
  const schema = configKey(key);
  const fallback = (schema.schema as { default?: unknown }).default;
  const text = `${description} (custos.yaml ${key}, env ${schema.env}${fallback === undefined ? '' : `, default ${String(fallback)}`})`;
  if (parse === undefined) command.option(flags, text);
  else command.option(flags, text, parse);
  const option = command.options.at(-1);
  if (option === undefined) throw new Error(`configOption: ${flags} was not added`);
  const map = bindings.get(command) ?? new Map<string, { key: string; flag: string }>();
  map.set(option.attributeName(), { key, flag: option.long ?? flags });
  bindings.set(command, map);
  return command;
}

export function addGlobalOptions(program: Command): void {
  program.option(
    '--config <file>',
    'the configuration file (env CUSTOS_CONFIG; default ./custos.yaml when present; see docs/configuration.md)',
  );
  configOption(program, 'dataDir', '--data-dir <dir>', 'directory of the embedded SQLite database custos.db');
  configOption(
    program,
    'databaseUrl',
    '--database-url <url>',
    'keep the state in PostgreSQL instead, e.g. postgres://custos@db:5432/custos',
  );
  configOption(
    program,
    'remote.url',
    '--server <url>',
    'run the command against this Custos server over its API (token in env CUSTOS_TOKEN), not the local store',
  );
  configOption(program, 'logLevel', '--log-level <level>', 'log JSON lines on stderr at this level');
}

/** The --config file and every configuration key set by a flag of the command or of its parents. */
export function globalOptions(command: Command): GlobalOptions {
  const flags: ConfigFlag[] = [];
  let configFile: string | undefined;
  for (let c: Command | null = command; c !== null; c = c.parent) {
    const values = c.opts<Record<string, unknown>>();
    if (typeof values.config === 'string' && configFile === undefined && c.parent === null)
      configFile = values.config;
    for (const [name, binding] of bindings.get(c) ?? []) {
      const value = values[name];
      if (typeof value === 'string' || (Array.isArray(value) && value.length > 0))
        flags.push({ ...binding, value: value as string | string[] });
    }
  }
  return {
    surface: 'cli',
    ...(configFile === undefined ? {} : { configFile }),
    flags,
    env: readEnvironment(),
    cwd: process.cwd(),
  };
}

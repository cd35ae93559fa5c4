/** The process environment as Custos reads it: the `CUSTOS_*` variables, and `USER` for the audit actor. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The one place Custos reads `process.env`. Everything else takes the snapshot (or the configuration built from
 * it), so a test or the server can pass an environment of its own.
 */
export function readEnvironment(): Environment {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && (name.startsWith('CUSTOS_') || name === 'USER')) out[name] = value;
  }
  return Object.freeze(out);
}

/** `CUSTOS_DEBUG` set: an error also prints its cause's stack (read before the configuration, which may be broken). */
export const debugRequested = (env: Environment): boolean => (env.CUSTOS_DEBUG ?? '') !== '';

/**
 * The user PIN of the PKCS#11 token that holds CA keys (`CUSTOS_PKCS11_PIN`), undefined when unset. Only the
 * environment carries it: never a flag (process lists show flags), never custos.yaml, never a log line.
 */
export const pkcs11Pin = (env: Environment): string | undefined => {
  const pin = env.CUSTOS_PKCS11_PIN;
  return pin === undefined || pin === '' ? undefined : pin;
};

/** The variables a command Custos runs for a destination inherits: where programs are, the home and the locale. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME'] as const;

/** The values of these variables of the process (those set), frozen. */
function variables(names: readonly string[]): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined) out[name] = value;
  }
  return Object.freeze(out);
}

/**
 * The environment of an `exec` destination's command: PATH, HOME, locale and user of this process, and nothing
 * else (never Custos's own secrets such as CUSTOS_KEK); the destination adds the revision's variables.
 */
export const commandEnvironment = (): Readonly<Record<string, string>> => variables(INHERITED);

/**
 * The variables a configuration names as holding secrets (`scan.profiles[].passwordsFromEnv`), read when they are
 * needed: not every variable of the process is in the snapshot, only those asked for.
 */
export const readNamedVariables = (names: readonly string[]): Environment => variables(names);

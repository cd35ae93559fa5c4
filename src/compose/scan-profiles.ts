import { parseDuration } from '../core/duration.js';
import { DomainError } from '../core/errors.js';
import type { ScanProfile, ScanProfileDependencies } from '../core/scan/scan-profiles.js';
import { readNamedVariables } from './config/environment.js';
import type { Runtime } from './runtime.js';

/** The passwords of a profile: every line of each environment variable it names (each must be set), read now. */
function passwordsOf(profile: ScanProfile): string[] {
  const names = profile.passwordsFromEnv ?? [];
  const env = readNamedVariables(names);
  return names.flatMap((name) => {
    const text = env[name];
    if (text === undefined)
      throw new DomainError(
        'CUSTOS_USAGE',
        `scan profile ${profile.name}: the environment variable ${name} of its passwords is not set`,
        { hint: `set ${name} (one password per line), or remove it from passwordsFromEnv` },
      );
    return text.split(/\r?\n/).filter((line) => line !== '');
  });
}

/** What running the configured scan profiles needs, from the runtime (the CLI's, or the server's). */
export function scanProfileDependencies(rt: Runtime): ScanProfileDependencies {
  return {
    store: rt.store,
    clock: rt.clock,
    files: rt.files,
    auditKeys: rt.auditKeys,
    prober: rt.prober,
    profiles: rt.config.scan.profiles ?? [],
    passwords: passwordsOf,
    trustAnchors: (files) => rt.certificateFiles.trustAnchors({ files: [...files], includeSystem: true }),
    concurrency: rt.config.scan.concurrency,
    endAfter: {
      probes: rt.config.scan.tls.endAfter,
      durationMs: parseDuration(rt.config.scan.tls.endAfterDuration, 'scan.tls.endAfterDuration'),
    },
  };
}

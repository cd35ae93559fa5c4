/**
 * Named scan profiles (`scan.profiles` of custos.yaml): a scan that remembers its targets, ports, SNI names,
 * STARTTLS, trust anchors, paths and the names of the variables holding passwords. `custos scan [--profile NAME]`
 * runs them in the CLI; `POST /v1/scans {"kind":"profile","profile":NAME}` on the server, resolved from the
 * server's configuration when the scan runs, so passwords never travel nor sit in the database.
 */
import { DomainError } from '../errors.js';
import { scanFiles, type ScanFilesDeps, type ScanFilesResult } from '../scan-files.js';
import {
  scanTls,
  type EndAfter,
  type ScanTlsDeps,
  type ScanTlsSummary,
  type TlsEndpointResult,
} from '../scan-tls.js';
import { parsePortList, parseTarget, planTlsScan, type TlsScanPlan } from './tls-targets.js';

/** One profile as configured. */
export interface ScanProfile {
  name: string;
  targets?: string[];
  /** As `--ports` takes them (`443,8443`), or as a list of numbers. */
  ports?: string | number[];
  sni?: string[];
  starttls?: 'smtp' | 'postgres';
  /** Files of private roots trusted besides the system roots. */
  trust?: string[];
  paths?: string[];
  /** Variables holding passwords, one per line (their names only). */
  passwordsFromEnv?: string[];
}

/** What one profile's run did: its TLS scan and its file scan, each when the profile has one. */
export interface ProfileRun {
  name: string;
  tls?: ScanTlsSummary & { skippedAddresses: number };
  files?: ScanFilesResult;
}

export interface ScanProfileDependencies extends ScanFilesDeps, ScanTlsDeps {
  /** The configured profiles (server: its own configuration). */
  profiles: readonly ScanProfile[];
  /** The passwords a profile names, read now; CUSTOS_USAGE naming a variable that is not set. */
  passwords(profile: ScanProfile): string[];
  /** The system roots plus the certificates of these files. */
  trustAnchors(files: readonly string[]): Promise<Uint8Array[]>;
  /** TLS connections in flight at once (`scan.concurrency`). */
  concurrency: number;
  endAfter: EndAfter;
}

/** The profiles to run: the one named, or all; a name configured twice or not at all is refused. */
export function chooseProfiles(profiles: readonly ScanProfile[], name: string | undefined): ScanProfile[] {
  const names = profiles.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    throw new DomainError('CUSTOS_CONFIG_INVALID', `scan.profiles: the name "${twice}" is used twice`, {
      hint: 'give each profile its own name',
    });
  if (profiles.length === 0)
    throw new DomainError('CUSTOS_USAGE', 'scan: no scan profile is configured', {
      hint: 'add scan.profiles to custos.yaml (docs/configuration.md), or run custos scan tls / custos scan files',
    });
  if (name === undefined) return [...profiles];
  const profile = profiles.find((p) => p.name === name);
  if (profile === undefined)
    throw new DomainError('CUSTOS_NOT_FOUND', `scan: no scan profile "${name}"`, {
      hint: `the profiles in the configuration: ${names.join(', ')}`,
    });
  return [profile];
}

/** The one profile of that name (CUSTOS_NOT_FOUND naming the configured ones when there is none). */
export function profileNamed(profiles: readonly ScanProfile[], name: string): ScanProfile {
  const [profile] = chooseProfiles(profiles, name);
  if (profile === undefined)
    throw new DomainError('CUSTOS_INTERNAL', 'chooseProfiles gave no profile for a name');
  return profile;
}

/** A profile's ports as `--ports` takes them (`443,8443`; default 443), whichever form the file gave. */
export const profilePorts = (profile: Pick<ScanProfile, 'ports'>): string =>
  Array.isArray(profile.ports) ? profile.ports.join(',') : (profile.ports ?? '443');

/** The TLS endpoints of a profile, or null when it names no targets; DomainError for a bad target or port. */
export function profilePlan(profile: ScanProfile): TlsScanPlan | null {
  if (profile.targets === undefined || profile.targets.length === 0) return null;
  return planTlsScan(profile.targets.map(parseTarget), {
    ports: parsePortList(profilePorts(profile)),
    sni: profile.sni ?? [],
    starttls: profile.starttls ?? null,
  });
}

/** Runs one profile: its TLS targets, then its paths with its passwords (read before anything is scanned). */
export async function runScanProfile(
  deps: ScanProfileDependencies,
  profile: ScanProfile,
  input: {
    actor: string;
    /** Passwords already read (the CLI reads every profile's before it scans any); default: read now. */
    passwords?: string[];
    onTlsResult?: (result: TlsEndpointResult, plan: TlsScanPlan) => void;
    onFilesProgress?: (progress: { files: number; certificates: number }) => void;
  },
): Promise<ProfileRun> {
  const passwords = input.passwords ?? deps.passwords(profile);
  const run: ProfileRun = { name: profile.name };
  const plan = profilePlan(profile);
  if (plan !== null) {
    const summary = await scanTls(deps, {
      endpoints: plan.endpoints(),
      concurrency: deps.concurrency,
      trustAnchors: await deps.trustAnchors(profile.trust ?? []),
      endAfter: deps.endAfter,
      actor: input.actor,
      onResult: (result) => input.onTlsResult?.(result, plan),
    });
    run.tls = { ...summary, skippedAddresses: plan.skippedAddresses };
  }
  if (profile.paths !== undefined && profile.paths.length > 0)
    run.files = await scanFiles(deps, {
      paths: profile.paths,
      passwords,
      actor: input.actor,
      ...(input.onFilesProgress === undefined ? {} : { onProgress: input.onFilesProgress }),
    });
  return run;
}

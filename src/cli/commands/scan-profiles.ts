import type { Command } from 'commander';
import { readNamedVariables } from '../../compose/config/environment.js';
import type { Config } from '../../compose/config/schema.js';
import { parseDuration } from '../../core/duration.js';
import { DomainError } from '../../core/errors.js';
import type { ScanFilesResult } from '../../core/scan-files.js';
import type { ScanTlsSummary } from '../../core/scan-tls.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, Progress } from '../output.js';
import { printFilesResult } from './scan-files.js';
import { tlsSummaryLine } from './scan-tls.js';

type Profile = NonNullable<Config['scan']['profiles']>[number];

/** What one profile's run did: its TLS scan and its file scan, each when the profile has one. */
interface ProfileRun {
  name: string;
  tls?: ScanTlsSummary & { skippedAddresses: number };
  files?: ScanFilesResult;
}

/** The profiles to run: the one named, or all; a name configured twice or not at all is refused. */
function chosen(profiles: readonly Profile[], name: string | undefined): Profile[] {
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

/** The passwords of a profile: every line of each environment variable it names (each must be set). */
function passwordsOf(profile: Profile): string[] {
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

export function registerScanProfiles(program: Command): void {
  commandGroup(program, 'scan', 'discover certificates in files and on the network')
    .option('--profile <name>', 'run this scan profile of custos.yaml (scan.profiles) instead of all of them')
    // `--json` is read from the arguments, not declared: declared here, it would be taken from `scan tls --json`
    // before the subcommand saw it. Anything else left over is refused below.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      '\n  --json                     print {"profiles":[{"name","tls"?:SUMMARY,"files"?:RESULT}]}\n' +
        examples(
          'custos scan                      # every profile of scan.profiles in custos.yaml',
          'custos scan --profile web --json',
          'custos scan tls api.example.com  # one scan with flags, no profile',
        ),
    )
    .action(
      action(async (flags: { profile?: string }, command: Command) => {
        const extra = command.args.filter((a) => a !== '--json');
        if (extra.length > 0)
          throw new DomainError('CUSTOS_USAGE', `scan: unknown command or option ${extra.join(' ')}`, {
            hint: 'see custos scan --help: scan files, scan tls, or scan [--profile NAME] [--json]',
          });
        const options = { ...flags, json: command.args.includes('--json') };
        const [{ withRuntime }, targets, { scanTls }, { scanFiles }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/scan/tls-targets.js'),
          import('../../core/scan-tls.js'),
          import('../../core/scan-files.js'),
        ]);
        const global = globalOptions(command);
        const progress = new Progress();
        const runs = await withRuntime(global, async (rt) => {
          const done: ProfileRun[] = [];
          // Every profile's passwords are read first: a variable not set stops the run before anything is scanned.
          const profiles = chosen(rt.config.scan.profiles ?? [], options.profile).map((profile) => ({
            profile,
            passwords: passwordsOf(profile),
          }));
          for (const { profile, passwords } of profiles) {
            const run: ProfileRun = { name: profile.name };
            if (profile.targets !== undefined && profile.targets.length > 0) {
              const plan = targets.planTlsScan(profile.targets.map(targets.parseTarget), {
                ports: targets.parsePortList(profile.ports ?? '443'),
                sni: profile.sni ?? [],
                starttls: profile.starttls ?? null,
              });
              const trustAnchors = await rt.certificateFiles.trustAnchors({
                files: profile.trust ?? [],
                includeSystem: true,
              });
              let probed = 0;
              const summary = await scanTls(rt, {
                endpoints: plan.endpoints(),
                concurrency: rt.config.scan.concurrency,
                trustAnchors,
                endAfter: {
                  probes: rt.config.scan.tls.endAfter,
                  durationMs: parseDuration(rt.config.scan.tls.endAfterDuration, 'scan.tls.endAfterDuration'),
                },
                actor: rt.actor,
                onResult: () =>
                  progress.update(`${profile.name}: ${++probed}/${plan.total} endpoints scanned`),
              });
              run.tls = { ...summary, skippedAddresses: plan.skippedAddresses };
            }
            if (profile.paths !== undefined && profile.paths.length > 0) {
              run.files = await scanFiles(rt, { paths: profile.paths, passwords, actor: rt.actor });
            }
            done.push(run);
          }
          return done;
        });
        progress.done();
        if (options.json) {
          printJson({ profiles: runs });
          return EXIT.ok;
        }
        for (const run of runs) {
          printLine(`profile ${run.name}:`);
          if (run.tls) printLine(`  tls: ${tlsSummaryLine(run.tls)}`);
          if (run.files) printFilesResult(run.files);
        }
        return EXIT.ok;
      }),
    );
}

import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import type { ProfileRun } from '../../core/scan/scan-profiles.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, Progress } from '../output.js';
import { printFilesResult } from './scan-files.js';
import { tlsSummaryLine } from './scan-tls.js';

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
          'custos scan --profile web --server https://custos.corp:8700  # on the server, from its custos.yaml',
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
        const [{ withBackend }, { scanProfileDependencies }, profiles, { runRemoteScan }] = await Promise.all(
          [
            import('../runtime.js'),
            import('../../compose/scan-profiles.js'),
            import('../../core/scan/scan-profiles.js'),
            import('../remote-scan.js'),
          ],
        );
        const progress = new Progress();
        const runs = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const deps = scanProfileDependencies(rt);
            // Every profile's passwords are read first: a variable not set stops the run before anything is scanned.
            const chosen = profiles.chooseProfiles(deps.profiles, options.profile).map((profile) => ({
              profile,
              passwords: deps.passwords(profile),
            }));
            const done: ProfileRun[] = [];
            for (const { profile, passwords } of chosen) {
              let probed = 0;
              done.push(
                await profiles.runScanProfile(deps, profile, {
                  actor: rt.actor,
                  passwords,
                  onTlsResult: (_, plan) =>
                    progress.update(`${profile.name}: ${++probed}/${plan.total} endpoints scanned`),
                }),
              );
            }
            return done;
          },
          // The server resolves each profile from its own configuration and reads its passwords from its own
          // environment when the scan runs: nothing but the name is sent.
          remote: async (api) => {
            const names =
              options.profile !== undefined
                ? [options.profile]
                : (
                    await api.request<{ items: Array<{ name: string }> }>({
                      method: 'GET',
                      path: '/v1/scan-profiles',
                    })
                  ).items.map((p) => p.name);
            if (names.length === 0)
              throw new DomainError('CUSTOS_USAGE', 'scan: the server has no scan profile configured', {
                hint: "add scan.profiles to the server's custos.yaml, or run custos scan tls / custos scan files",
              });
            const done: ProfileRun[] = [];
            for (const name of names)
              done.push(
                (await runRemoteScan(api, { kind: 'profile', profile: name }, progress)) as ProfileRun,
              );
            return done;
          },
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

import type { Command } from 'commander';
import type { RotateReport } from '../../core/ca/rotate-report.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable } from '../output.js';

export function registerCaRotate(program: Command): void {
  commandGroup(program, 'ca', 'the built-in certificate authority: its CAs, trust bundle and CRLs')
    .command('rotate')
    .description(
      'Roll a CA over without an outage: a new issuing CA NAME--rN (new key, same key type and backend, under the same root) enters the trust bundle now as `next` and signs only after the overlap (default 2 × the longest lifetime of a certificate the CA issued that is still valid); then the old one is `retiring` (still in the bundle, CRL and OCSP) until none of its certificates is valid, then `retired`. Issuance naming the CA picks the generation that signs. The status changes are written by `custos serve` (task ca-rollover) and by every `ca rotate`; --status only writes them. Audited as ca.rotated, ca.activated, ca.retired.',
    )
    .argument('<name>', 'the CA (any of its generations)')
    .option('--overlap <duration>', 'how long the new CA waits before it signs (30s, 12h, 14d)')
    .option('--status', 'rotate nothing: write the status changes that are due and show the generations')
    .option(
      '--json',
      'print {rotated, applied, generations} (rotated: the new CA as `ca show --json`, or null)',
    )
    .addHelpText(
      'after',
      examples(
        'custos ca rotate default',
        'custos ca rotate edge --overlap 14d',
        'custos ca rotate edge --status',
      ),
    )
    .action(
      action(
        async (
          name: string,
          options: { overlap?: string; status?: boolean; json?: boolean },
          command: Command,
        ) => {
          const [{ withBackend }, { rotateReport }, { parseDuration }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/ca/rotate-report.js'),
            import('../../core/duration.js'),
          ]);
          const overlapMs =
            options.overlap === undefined ? undefined : parseDuration(options.overlap, '--overlap');
          const statusOnly = options.status === true;
          const report = await withBackend(globalOptions(command), {
            local: (rt) =>
              rotateReport(rt, { name, statusOnly, ...(overlapMs === undefined ? {} : { overlapMs }) }),
            remote: (api) =>
              api.request<RotateReport>({
                method: 'POST',
                path: `/v1/cas/${encodeURIComponent(name)}/rotate`,
                body: {
                  status: statusOnly,
                  ...(options.overlap === undefined ? {} : { overlap: options.overlap }),
                },
              }),
          });
          if (options.json) {
            printJson(report);
            return EXIT.ok;
          }
          const { applied, rotated, generations } = report;
          for (const t of applied)
            printLine(t.kind === 'activate' ? `${t.name} now signs.` : `${t.name} is retired.`);
          if (rotated !== null)
            printLine(`${rotated.name} is in the trust bundle and signs from ${rotated.signsFrom ?? 'now'}.`);
          printTable(
            ['NAME', 'STATUS', 'SIGNS FROM', 'SUBJECT'],
            generations.map((g) => [g.name, g.status, g.signsFrom ?? '-', g.subject ?? '-']),
          );
          return EXIT.ok;
        },
      ),
    );
}

import type { Command } from 'commander';
import { action, collect, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, shortFingerprint } from '../output.js';

interface LintOptions {
  password: string[];
  json?: boolean;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      'Check certificates someone else made against the lints the built-in CA applies before it signs (RFC 5280 ' +
        'and CA/Browser Forum profile: serial number, names, key usage, extensions, validity encoding; ' +
        'docs/lint.md lists them). The first certificate of each FILE is linted, the others are its possible ' +
        'issuers (for validity nesting and the authority key identifier). Exit 0 when no lint of severity error ' +
        'fails (warnings and notices are printed but pass), 1 when one does, 2 when a file cannot be read.',
    )
    .argument('<FILE...>', 'certificate files in any format Custos reads (PEM, DER, PKCS#7, PKCS#12, JKS)')
    .option('--password <password>', 'password of a PKCS#12 or JKS input (repeatable)', collect, [])
    .option(
      '--json',
      'print [{"file","fingerprintSha256","subject","failures":[{"lint","severity","message","source"}]}]',
    )
    .addHelpText(
      'after',
      examples(
        'custos lint server.pem',
        'custos lint leaf.pem fullchain.pem --json',
        'custos lint certs/*.pem   # one report per file',
      ),
    )
    .action(
      action(async (files: string[], options: LintOptions, command: Command) => {
        const [{ withDependencies }, { lintCertificates, lintFailed }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/lint/lint-certificates.js'),
        ]);
        const reports = await withDependencies(globalOptions(command), async (deps) => {
          const inputs = [];
          for (const file of files)
            inputs.push({ file, certificates: await deps.certificateFiles.read(file, options.password) });
          return lintCertificates(inputs);
        });
        if (options.json) {
          printJson(reports);
        } else {
          for (const report of reports) {
            const verdict = report.failures.length === 0 ? 'clean' : `${report.failures.length} failed`;
            printLine(
              `${report.file}: ${shortFingerprint(report.fingerprintSha256)} ${report.subject}: ${verdict}`,
            );
            for (const f of report.failures)
              printLine(`  ${f.severity.padEnd(7)} ${f.lint.padEnd(28)} ${f.message} [${f.source}]`);
          }
        }
        return lintFailed(reports) ? EXIT.found : EXIT.ok;
      }),
    );
}

import type { Command } from 'commander';
import { currentUser } from '../current-user.js';
import { action, collect, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable, Progress } from '../output.js';

interface ScanFilesOptions {
  password: string[];
  passwordFile: string[];
  json?: boolean;
}

export function registerScanFiles(program: Command): void {
  commandGroup(program, 'scan', 'discover certificates in files and on the network')
    .command('files')
    .description(
      'Scan files and directories for certificates and private keys (PEM, DER, PKCS#7, PKCS#12, JKS, Kubernetes TLS secrets), recognised by content, into the inventory. Unchanged files are not read again; certificates no longer found end their sightings.',
    )
    .argument('<path...>', 'files or directories to scan (directories recursively, following symbolic links)')
    .option(
      '--password <password>',
      'a password to try on PKCS#12/JKS files and encrypted keys (repeatable)',
      collect,
      [],
    )
    .option(
      '--password-file <file>',
      'passwords to try, one per line (repeatable; also env CUSTOS_PASSWORDS, one per line): unlike --password, not visible in ps',
      collect,
      [],
    )
    .option('--json', 'print the summary as JSON: {"files","certificates","new","unchanged","errors":[...]}')
    .addHelpText(
      'after',
      examples(
        'custos scan files /etc/ssl /etc/nginx',
        'custos scan files ./keystores --password changeit --password s3cret --json',
        'custos scan files ./keystores --password-file /run/secrets/keystore-passwords',
      ),
    )
    .action(
      action(async (paths: string[], options: ScanFilesOptions, command: Command) => {
        const [{ withRuntime }, { scanFiles }, { LocalFileTree }, { scanPasswords }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/scan-files.js'),
          import('../../connectors/scanner-files/local-file-tree.js'),
          import('../passwords.js'),
        ]);
        const passwords = await scanPasswords({ ...options, environment: process.env.CUSTOS_PASSWORDS });
        const progress = new Progress();
        const result = await withRuntime(globalOptions(command), (rt) =>
          scanFiles(
            { store: rt.store, clock: rt.clock, files: new LocalFileTree() },
            {
              paths,
              passwords,
              actor: `cli:${currentUser()}`,
              onProgress: (p) =>
                progress.update(`scanning: ${p.files} files, ${p.certificates} certificates read`),
            },
          ),
        );
        progress.done();
        if (options.json) {
          printJson(result);
          return EXIT.ok;
        }
        printLine(
          `${result.files} files (${result.unchanged} unchanged), ${result.certificates} certificates, ${result.new} new, ` +
            `${result.sightingsStarted} sightings started, ${result.sightingsEnded} ended, ${result.errors.length} errors`,
        );
        if (result.errors.length > 0) {
          printLine();
          printTable(
            ['ERROR', 'PATH', 'MESSAGE'],
            result.errors.map((e) => [e.code, e.path, e.message]),
          );
        }
        return EXIT.ok;
      }),
    );
}

import type { Command } from 'commander';
import { action, collect, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable, Progress } from '../output.js';
import { counted } from '../../core/plural.js';
import type { ScanFilesResult } from '../../core/scan-files.js';

interface ScanFilesOptions {
  password: string[];
  passwordFile: string[];
  json?: boolean;
}

export function registerScanFiles(program: Command): void {
  commandGroup(program, 'scan', 'discover certificates in files and on the network')
    .command('files')
    .description(
      "Scan files and directories for certificates and private keys (PEM, DER, PKCS#7, PKCS#12, JKS, Kubernetes TLS secrets), recognised by content, into the inventory. Unchanged files are not read again (unless one needed a password and another set of passwords is given); certificates no longer found end their sightings. A key file is paired with its certificate by the same stem (web.crt/web.key, web.pem/web-key.pem), a certbot lineage (live/NAME/ with its archive/ as one) or an nginx/Apache configuration in the tree; a paired key that is not the certificate's own is key-mismatch.",
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
        const [{ withBackend, remoteUnsupported }, { scanFiles }, { scanPasswords }, { runRemoteScan }] =
          await Promise.all([
            import('../runtime.js'),
            import('../../core/scan-files.js'),
            import('../passwords.js'),
            import('../remote-scan.js'),
          ]);
        const global = globalOptions(command);
        const passwords = await scanPasswords({ ...options, environment: global.env.CUSTOS_PASSWORDS });
        const progress = new Progress();
        const result = await withBackend(global, {
          local: (rt) =>
            scanFiles(rt, {
              paths,
              passwords,
              actor: rt.actor,
              onProgress: (p) =>
                progress.update(
                  `scanning: ${counted(p.files, 'file')}, ${counted(p.certificates, 'certificate')} read`,
                ),
            }),
          // The server scans its own files: the paths are paths on the server host.
          remote: async (api) => {
            if (passwords.length > 0) throw remoteUnsupported('--password and --password-file');
            return (await runRemoteScan(api, { kind: 'files', targets: paths }, progress)) as Awaited<
              ReturnType<typeof scanFiles>
            >;
          },
        });
        progress.done();
        if (options.json) {
          printJson(result);
          return EXIT.ok;
        }
        printFilesResult(result);
        return EXIT.ok;
      }),
    );
}

/** The summary line of a file scan, then its errors. */
export function printFilesResult(result: ScanFilesResult): void {
  printLine(
    `${counted(result.files, 'file')} (${result.unchanged} unchanged), ${counted(result.certificates, 'certificate')}, ${result.new} new, ` +
      `${counted(result.sightingsStarted, 'sighting')} started, ${result.sightingsEnded} ended, ${counted(result.errors.length, 'error')}`,
  );
  if (result.errors.length > 0) {
    printLine();
    printTable(
      ['ERROR', 'PATH', 'MESSAGE'],
      result.errors.map((e) => [e.code, e.path, e.message]),
    );
  }
}

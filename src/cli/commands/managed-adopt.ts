import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import { action, collect, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';

/** `--destination CERT_FILE,KEY_FILE[,FULLCHAIN_FILE]`. */
function destinationOf(text: string): { certificate: string; privateKey: string; fullchain?: string } {
  const [certificate, privateKey, fullchain, ...rest] = text.split(',');
  if (
    certificate === undefined ||
    privateKey === undefined ||
    rest.length > 0 ||
    certificate === '' ||
    privateKey === ''
  )
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `--destination: "${text}" is not CERT_FILE,KEY_FILE[,FULLCHAIN_FILE].`,
    );
  return { certificate, privateKey, ...(fullchain === undefined || fullchain === '' ? {} : { fullchain }) };
}

export function registerManagedAdopt(program: Command): void {
  commandGroup(program, 'managed', '')
    .command('adopt')
    .description(
      'Turn a certificate the scanners found into a ManagedCertificate with the same names and key type: its destinations are the files where it lies beside its private key (or --destination), its verification endpoints the TLS endpoints that serve it. Applied as a manifest (audited object.created); `managed reconcile` then issues, deploys and verifies.',
    )
    .argument(
      '<fingerprint>',
      'the SHA-256 fingerprint (or a prefix of it) as `custos inventory list` prints it',
    )
    .requiredOption('--issuer <name>', 'the issuer (issuerRef.name): a CA of the built-in CA, e.g. default')
    .option('--name <name>', 'the ManagedCertificate name (default: from its first DNS name)')
    .option('--identity <name>', 'the Identity it is for')
    .option('--duration <duration>', "lifetime of each revision (default: the certificate's own)")
    .option(
      '--destination <files>',
      'CERT_FILE,KEY_FILE[,FULLCHAIN_FILE] (repeatable; default: where it was found)',
      collect,
    )
    .option('--reload <command>', 'run after the files are written, split on spaces (e.g. "nginx -s reload")')
    .option('--dry-run', 'print the manifest and what would change; write nothing')
    .option('--json', 'print {name, fingerprintSha256, manifest, apply: {dryRun, objects, ownerChanges}}')
    .addHelpText(
      'after',
      examples(
        'custos managed adopt 9be0c1 --issuer default --dry-run',
        'custos managed adopt 9be0c1 --issuer default --reload "nginx -s reload" && custos managed reconcile',
        'custos managed adopt 9be0c1 --issuer default --name web --destination /etc/nginx/tls/web.crt,/etc/nginx/tls/web.key',
      ),
    )
    .action(
      action(
        async (
          fingerprint: string,
          options: {
            issuer: string;
            name?: string;
            identity?: string;
            duration?: string;
            destination?: string[];
            reload?: string;
            dryRun?: boolean;
            json?: boolean;
          },
          command: Command,
        ) => {
          const destinations = options.destination?.map(destinationOf);
          const reload = options.reload?.split(' ').filter((w) => w !== '');
          const [{ withBackend }, { adoptManaged }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/managed/adopt-managed.js'),
          ]);
          // The flags as the use case (and the body of POST /v1/managed/adopt) take them.
          const input = {
            fingerprint,
            issuer: options.issuer,
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.identity === undefined ? {} : { identity: options.identity }),
            ...(options.duration === undefined ? {} : { duration: options.duration }),
            ...(destinations === undefined ? {} : { destinations }),
            ...(reload === undefined || reload.length === 0 ? {} : { reload }),
            dryRun: options.dryRun === true,
          };
          const result = await withBackend(globalOptions(command), {
            local: (rt) => adoptManaged(rt, { ...input, actor: rt.actor }),
            remote: (api) =>
              api.request<Awaited<ReturnType<typeof adoptManaged>>>({
                method: 'POST',
                path: '/v1/managed/adopt',
                body: input,
              }),
          });
          if (options.json) {
            printJson(result);
            return EXIT.ok;
          }
          printLine(result.manifest.trimEnd());
          const suffix = result.apply.dryRun ? ' (dry run)' : '';
          for (const o of result.apply.objects) printLine(`${o.kind}/${o.name} ${o.change}${suffix}`);
          return EXIT.ok;
        },
      ),
    );
}

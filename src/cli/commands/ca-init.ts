import type { Command } from 'commander';
import { KEY_TYPES, type KeyType } from '../../core/ports/key-manager.js';
import { DomainError } from '../../core/errors.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';

interface InitOptions {
  name: string;
  keyType: string;
  rootTtl: string;
  intermediateTtl: string;
  subject?: string;
  rootSubject?: string;
  intermediateCsr?: boolean;
  out?: string;
  json?: boolean;
}

/** The key type a flag names; CUSTOS_INVALID_ARGUMENT (exit 2) otherwise. */
export function keyTypeFlag(text: string, flag: string): KeyType {
  if ((KEY_TYPES as readonly string[]).includes(text)) return text as KeyType;
  throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${flag}: "${text}" is not a key type.`, {
    hint: `Use one of ${KEY_TYPES.join(', ')}.`,
  });
}

export function registerCaInit(program: Command): void {
  commandGroup(program, 'ca', 'the built-in certificate authority: its CAs, trust bundle and CRLs')
    .command('init')
    .description(
      'Create a certificate authority: a self-signed root and the issuing intermediate it signs, both keys sealed under the key-encryption key (CUSTOS_KEK, else the 0600 file kek in the data directory). With --intermediate-csr, only the issuing key and a CSR for an external (offline) root; `custos ca import` takes the signed certificate back.',
    )
    .option('--name <name>', 'the CA name (lower-case letters, digits, dashes)', 'default')
    .option('--key-type <type>', `the key type of both keys: ${KEY_TYPES.join(', ')}`, 'ec-p256')
    .option('--root-ttl <duration>', 'the root certificate lifetime (e.g. 10y, 3650d)', '10y')
    .option('--intermediate-ttl <duration>', 'the issuing certificate lifetime, within the root', '5y')
    .option('--subject <dn>', 'the issuing CA subject, e.g. "CN=Example Issuing CA, O=Example"')
    .option('--root-subject <dn>', 'the root subject, e.g. "CN=Example Root CA, O=Example"')
    .option(
      '--intermediate-csr',
      'make only the issuing key and its CSR, for an external root (status pending)',
    )
    .option('--out <file>', 'with --intermediate-csr: write the CSR (PEM) to this file instead of stdout')
    .option(
      '--json',
      'print {name, status, keyType, backend, subject, notAfter, fingerprintSha256, certificates, csrPem}',
    )
    .addHelpText(
      'after',
      examples(
        'custos ca init',
        'custos ca init --name edge --key-type ec-p384 --subject "CN=Edge Issuing CA, O=Example"',
        'custos ca init --name offline --intermediate-csr --out offline.csr',
      ),
    )
    .action(
      action(async (options: InitOptions, command: Command) => {
        const [
          { withRuntime },
          { initAuthority },
          { authorityView },
          { parseLifetime },
          { parseDistinguishedName },
        ] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/init-authority.js'),
          import('../../core/ca/authority-view.js'),
          import('../../core/ca/lifetime.js'),
          import('../../pki/x509/generate/distinguished-name-text.js'),
        ]);
        const keyType = keyTypeFlag(options.keyType, '--key-type');
        const rootTtlMs = parseLifetime(options.rootTtl, '--root-ttl');
        const intermediateTtlMs = parseLifetime(options.intermediateTtl, '--intermediate-ttl');
        const dn = (text: string | undefined, flag: string) => {
          if (text === undefined) return undefined;
          try {
            return parseDistinguishedName(text);
          } catch (error) {
            throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${flag}: ${(error as Error).message}`);
          }
        };
        const subject = dn(options.subject, '--subject');
        const rootSubject = dn(options.rootSubject, '--root-subject');
        return withRuntime(globalOptions(command), async (rt) => {
          const { authority } = await initAuthority(rt, {
            name: options.name,
            keyType,
            where: { backend: 'software' },
            rootTtlMs,
            intermediateTtlMs,
            intermediateCsr: options.intermediateCsr === true,
            ...(subject === undefined ? {} : { subject }),
            ...(rootSubject === undefined ? {} : { rootSubject }),
          });
          const view = authorityView(authority);
          if (options.out !== undefined && view.csrPem !== null)
            await rt.writeOutputFile(options.out, view.csrPem);
          if (options.json) {
            printJson(view);
          } else if (view.csrPem !== null) {
            if (options.out === undefined) process.stdout.write(view.csrPem);
            process.stderr.write(
              `CA ${view.name} is pending: have the external root sign ${options.out ?? 'this CSR'}, then run \`custos ca import ${view.name} --certificate FILE --chain FILE\`.\n`,
            );
          } else {
            printLine(`CA ${view.name} created (${view.keyType}, ${view.backend} keys)`);
            for (const c of view.certificates)
              printLine(`  ${c.subject}  notAfter ${c.notAfter}  sha256 ${c.fingerprintSha256}`);
            printLine('Trust it with `custos ca bundle > bundle.pem`.');
          }
          return EXIT.ok;
        });
      }),
    );
}

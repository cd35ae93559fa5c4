import type { Command } from 'commander';
import type { AuthorityView } from '../../core/ca/authority-view.js';
import { KEY_TYPES, type KeyBackendChoice, type KeyType } from '../../core/ports/key-manager.js';
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
  pkcs11Module?: string;
  pkcs11Slot?: string;
  json?: boolean;
}

/** The key type a flag names; CUSTOS_INVALID_ARGUMENT (exit 2) otherwise. */
export function keyTypeFlag(text: string, flag: string): KeyType {
  if ((KEY_TYPES as readonly string[]).includes(text)) return text as KeyType;
  throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${flag}: "${text}" is not a key type.`, {
    hint: `Use one of ${KEY_TYPES.join(', ')}.`,
  });
}

/** A PKCS#11 slot ID (a CK_ULONG; 0 is a slot like any other). */
function slotId(text: string): number {
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(id <= 2 ** 32 - 1))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `--pkcs11-slot: "${text}" is not a slot ID.`, {
      hint: '`pkcs11-tool --module MODULE -L` lists the slots and their tokens.',
    });
  return id;
}

/** Where the keys go: a PKCS#11 token when both flags are given, software otherwise. */
function keyBackendFlags(options: InitOptions): KeyBackendChoice {
  if (options.pkcs11Module === undefined && options.pkcs11Slot === undefined) return { backend: 'software' };
  if (options.pkcs11Module === undefined || options.pkcs11Slot === undefined)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', '--pkcs11-module and --pkcs11-slot go together.', {
      hint: '`pkcs11-tool --module MODULE -L` lists the slots and their tokens.',
    });
  return {
    backend: 'pkcs11',
    module: options.pkcs11Module,
    slot: slotId(options.pkcs11Slot),
  };
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
      '--pkcs11-module <path>',
      "keep both keys in a PKCS#11 token: the vendor's module (e.g. /usr/lib/softhsm/libsofthsm2.so); the PIN comes from CUSTOS_PKCS11_PIN",
    )
    .option('--pkcs11-slot <id>', 'with --pkcs11-module: the slot ID as `pkcs11-tool -L` prints it')
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
        'CUSTOS_PKCS11_PIN=1234 custos ca init --name hsm --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --pkcs11-slot 710869305',
      ),
    )
    .action(
      action(async (options: InitOptions, command: Command) => {
        const [
          { withBackend, remoteUnsupported },
          { initAuthority },
          { authorityView },
          { parseLifetime },
          { subjectText },
        ] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/init-authority.js'),
          import('../../core/ca/authority-view.js'),
          import('../../core/ca/lifetime.js'),
          import('../../core/ca/subject-text.js'),
        ]);
        const keyType = keyTypeFlag(options.keyType, '--key-type');
        const where = keyBackendFlags(options);
        const rootTtlMs = parseLifetime(options.rootTtl, '--root-ttl');
        const intermediateTtlMs = parseLifetime(options.intermediateTtl, '--intermediate-ttl');
        const subject = subjectText(options.subject, '--subject');
        const rootSubject = subjectText(options.rootSubject, '--root-subject');
        const { view, write } = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const { authority } = await initAuthority(rt, {
              name: options.name,
              keyType,
              where,
              rootTtlMs,
              intermediateTtlMs,
              intermediateCsr: options.intermediateCsr === true,
              ...(subject === undefined ? {} : { subject }),
              ...(rootSubject === undefined ? {} : { rootSubject }),
            });
            return { view: authorityView(authority), write: rt.writeOutputFile };
          },
          remote: async (api, deps) => {
            // The module is a shared library the server would load: PKCS#11 CAs are made on the server host.
            if (where.backend === 'pkcs11') throw remoteUnsupported('--pkcs11-module and --pkcs11-slot');
            const created = await api.request<AuthorityView>({
              method: 'POST',
              path: '/v1/cas',
              body: {
                name: options.name,
                keyType,
                rootTtl: options.rootTtl,
                intermediateTtl: options.intermediateTtl,
                subject: options.subject,
                rootSubject: options.rootSubject,
                intermediateCsr: options.intermediateCsr === true,
              },
            });
            return { view: created, write: deps.writeOutputFile };
          },
        });
        if (options.out !== undefined && view.csrPem !== null) await write(options.out, view.csrPem);
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
      }),
    );
}

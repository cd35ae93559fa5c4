import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import { KEY_TYPES } from '../../core/ports/key-manager.js';
import { action, collect, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';
import { keyTypeFlag } from './ca-init.js';
import type { Dependencies } from '../runtime.js';

interface IssueOptions {
  csr?: string;
  generateKey?: string;
  cn?: string;
  dns?: string[];
  ip?: string[];
  uri?: string[];
  ttl: string;
  identity?: string;
  token?: string;
  ca: string;
  outDir: string;
  json?: boolean;
}

export function registerCertIssue(program: Command): void {
  commandGroup(program, 'cert', 'certificates of the built-in CA: issue and revoke')
    .command('issue')
    .description(
      "Issue a certificate from the built-in CA for a CSR (--csr) or for a key made here (--generate-key): the request passes the issuance checks (CSR signature first), the certificate is linted before it leaves, and it enters the inventory (location `issued`) linked to --identity, audited as certificate.issued. Writes cert.pem, chain.pem (the CAs above it, without the root), fullchain.pem and, for a generated key, key.pem (0600) into --out-dir. The names are the flags' when any is given, else the CSR's; the CN is also put in the SANs.",
    )
    .option('--csr <file>', 'the PKCS#10 request (PEM or DER)')
    .option('--generate-key <type>', `make the key here: ${KEY_TYPES.join(', ')}`)
    .option('--cn <name>', 'the subject common name (also a SAN)')
    .option('--dns <name>', 'a DNS name (repeatable, or comma-separated)', collect)
    .option('--ip <address>', 'an IP address (repeatable, or comma-separated)', collect)
    .option('--uri <uri>', 'a URI, e.g. a SPIFFE ID (repeatable)', collect)
    .option('--ttl <duration>', 'the lifetime, within the CA certificate', '24h')
    .option('--identity <name>', 'the identity it is issued for (its owner follows)')
    .option(
      '--token <token>',
      'a one-time bootstrap token (`custos token bootstrap`): the request is authorised by its provisioner, within its limits, for the identity it names',
    )
    .option('--ca <name>', 'the CA that signs', 'default')
    .option('--out-dir <dir>', 'where the files are written (created if missing)', '.')
    .option(
      '--json',
      'print {fingerprintSha256, serialNumber, notBefore, notAfter, ca, identity, files: {cert, chain, fullchain, key?}}',
    )
    .addHelpText(
      'after',
      examples(
        'custos cert issue --generate-key ec-p256 --dns api.corp.example --identity payments-api --out-dir ./tls',
        'custos cert issue --csr api.csr --ttl 72h --ca edge --json',
        'custos cert issue --csr device.csr --token cbt_... --out-dir /etc/device/tls',
      ),
    )
    .action(
      action(async (options: IssueOptions, command: Command) => {
        if ((options.csr === undefined) === (options.generateKey === undefined))
          throw new DomainError(
            'CUSTOS_INVALID_ARGUMENT',
            'Give exactly one of --csr FILE and --generate-key TYPE.',
          );
        const keyType =
          options.generateKey === undefined ? undefined : keyTypeFlag(options.generateKey, '--generate-key');
        const [
          { withBackend },
          { issueForCaller, uniqueNames },
          { readCsrRequest },
          { parseLifetime },
          { readUserFile },
          pem,
        ] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/issue-for-caller.js'),
          import('../../core/ca/csr-request.js'),
          import('../../core/ca/lifetime.js'),
          import('../../compose/user-files.js'),
          import('../../pki/formats/pem-writer.js'),
        ]);
        const ttlMs = parseLifetime(options.ttl, '--ttl');
        const csrBytes =
          options.csr === undefined ? null : await readUserFile(options.csr, { what: '--csr' });
        const names = {
          commonName: options.cn ?? null,
          dnsNames: uniqueNames(options.dns),
          ipAddresses: uniqueNames(options.ip),
          uris: uniqueNames(options.uri),
        };
        const outDir = resolve(options.outDir);
        const issued = await withBackend<IssuedFiles>(globalOptions(command), {
          local: async (rt) => {
            const generated = keyType === undefined ? null : await rt.generateKeyPair(keyType);
            const { certificate, chain } = await issueForCaller(
              { ...rt, baseUrl: rt.config.server.baseUrl },
              {
                authority: options.ca,
                fromCsr: csrBytes === null ? null : readCsrRequest(csrBytes),
                ...(generated === null ? {} : { generatedSpki: generated.publicKeySpki }),
                names,
                ttlMs,
                identity: options.identity ?? null,
                credential:
                  options.token === undefined
                    ? { kind: 'cli', user: rt.user }
                    : { kind: 'bootstrap-token', token: options.token },
              },
            );
            const intermediates = chain.slice(0, -1);
            return writeIssued(rt, outDir, {
              fingerprintSha256: certificate.fingerprintSha256,
              serialNumber: certificate.serialNumber,
              notBefore: certificate.notBefore.toISOString(),
              notAfter: certificate.notAfter.toISOString(),
              ca: certificate.authority,
              identity: certificate.identity,
              certificate: pem.pemBlock('CERTIFICATE', certificate.der),
              chain: pem.certificatesPem(intermediates),
              fullchain: pem.certificatesPem([certificate.der, ...intermediates]),
              privateKeyPem: generated?.privateKeyPem ?? null,
            });
          },
          // The server signs; a generated key stays here, and only its CSR (proof of possession) is sent.
          remote: async (api, deps) => {
            const generated = keyType === undefined ? null : await deps.generateKeyPair(keyType);
            const csr = generated === null ? csrBytes : await generated.requestDer();
            if (csr === null) throw new Error('cert issue: neither --csr nor --generate-key');
            const answer = await api.request<Omit<Issued, 'privateKeyPem'>>({
              method: 'POST',
              path: '/v1/certificates/issue',
              body: {
                csr: csrText(csr, pem.pemBlock),
                ca: options.ca,
                ttl: options.ttl,
                ...(options.identity === undefined ? {} : { identity: options.identity }),
                ...(options.token === undefined ? {} : { token: options.token }),
                ...(names.commonName === null ? {} : { commonName: names.commonName }),
                ...(names.dnsNames.length > 0 ? { dnsNames: names.dnsNames } : {}),
                ...(names.ipAddresses.length > 0 ? { ipAddresses: names.ipAddresses } : {}),
                ...(names.uris.length > 0 ? { uris: names.uris } : {}),
              },
            });
            return writeIssued(deps, outDir, { ...answer, privateKeyPem: generated?.privateKeyPem ?? null });
          },
        });
        if (options.json) printJson(issued);
        else {
          printLine(
            `issued serial ${issued.serialNumber} by CA ${issued.ca}, valid until ${issued.notAfter}`,
          );
          printLine(`sha256 ${issued.fingerprintSha256}`);
          for (const [kind, path] of Object.entries(issued.files)) printLine(`  ${kind.padEnd(9)} ${path}`);
        }
        return EXIT.ok;
      }),
    );
}

/** A certificate the CA issued, as PEM, with the key made here for it (when --generate-key). */
interface Issued {
  fingerprintSha256: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  ca: string;
  identity: string | null;
  certificate: string;
  chain: string;
  fullchain: string;
  privateKeyPem: string | null;
}

/** What `cert issue --json` prints: the certificate's fields and the files written. */
type IssuedFiles = Omit<Issued, 'certificate' | 'chain' | 'fullchain' | 'privateKeyPem'> & {
  files: Record<string, string>;
};

/** A CSR as the API takes it: PEM (a PEM file is sent as it is). */
function csrText(csr: Uint8Array, pemBlock: (label: string, der: Uint8Array) => string): string {
  const text = new TextDecoder().decode(csr);
  return text.includes('-----BEGIN') ? text : pemBlock('CERTIFICATE REQUEST', csr);
}

/** Writes key.pem (0600, first), cert.pem, chain.pem and fullchain.pem into the directory, each atomically. */
async function writeIssued(
  deps: Pick<Dependencies, 'writeOutputFile'>,
  outDir: string,
  issued: Issued,
): Promise<IssuedFiles> {
  const files: Record<string, string> = {
    cert: join(outDir, 'cert.pem'),
    chain: join(outDir, 'chain.pem'),
    fullchain: join(outDir, 'fullchain.pem'),
  };
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  if (issued.privateKeyPem !== null) {
    files.key = join(outDir, 'key.pem');
    await deps.writeOutputFile(files.key, issued.privateKeyPem, { mode: 0o600 });
  }
  await deps.writeOutputFile(join(outDir, 'cert.pem'), issued.certificate);
  await deps.writeOutputFile(join(outDir, 'chain.pem'), issued.chain);
  await deps.writeOutputFile(join(outDir, 'fullchain.pem'), issued.fullchain);
  const { certificate: _c, chain: _ch, fullchain: _f, privateKeyPem: _k, ...fields } = issued;
  return { ...fields, files };
}

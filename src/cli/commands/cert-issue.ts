import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import { KEY_TYPES } from '../../core/ports/key-manager.js';
import { action, collect, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';
import { keyTypeFlag } from './ca-init.js';

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
          { withRuntime },
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
        const fromCsr =
          options.csr === undefined
            ? null
            : readCsrRequest(await readUserFile(options.csr, { what: '--csr' }));
        const outDir = resolve(options.outDir);
        return withRuntime(globalOptions(command), async (rt) => {
          const generated = keyType === undefined ? null : await rt.generateKeyPair(keyType);
          const { certificate, chain } = await issueForCaller(
            { ...rt, baseUrl: rt.config.server.baseUrl },
            {
              authority: options.ca,
              fromCsr,
              ...(generated === null ? {} : { generatedSpki: generated.publicKeySpki }),
              names: {
                commonName: options.cn ?? null,
                dnsNames: uniqueNames(options.dns),
                ipAddresses: uniqueNames(options.ip),
                uris: uniqueNames(options.uri),
              },
              ttlMs,
              identity: options.identity ?? null,
              credential:
                options.token === undefined
                  ? { kind: 'cli', user: rt.user }
                  : { kind: 'bootstrap-token', token: options.token },
            },
          );
          const intermediates = chain.slice(0, -1);
          const files: Record<string, string> = {
            cert: join(outDir, 'cert.pem'),
            chain: join(outDir, 'chain.pem'),
            fullchain: join(outDir, 'fullchain.pem'),
          };
          await mkdir(outDir, { recursive: true, mode: 0o700 });
          if (generated !== null) {
            files.key = join(outDir, 'key.pem');
            await rt.writeOutputFile(files.key, generated.privateKeyPem, { mode: 0o600 });
          }
          await rt.writeOutputFile(files.cert!, pem.pemBlock('CERTIFICATE', certificate.der));
          await rt.writeOutputFile(files.chain!, pem.certificatesPem(intermediates));
          await rt.writeOutputFile(
            files.fullchain!,
            pem.certificatesPem([certificate.der, ...intermediates]),
          );
          const summary = {
            fingerprintSha256: certificate.fingerprintSha256,
            serialNumber: certificate.serialNumber,
            notBefore: certificate.notBefore.toISOString(),
            notAfter: certificate.notAfter.toISOString(),
            ca: certificate.authority,
            identity: certificate.identity,
            files,
          };
          if (options.json) printJson(summary);
          else {
            printLine(
              `issued serial ${summary.serialNumber} by CA ${summary.ca}, valid until ${summary.notAfter}`,
            );
            printLine(`sha256 ${summary.fingerprintSha256}`);
            for (const [kind, path] of Object.entries(files)) printLine(`  ${kind.padEnd(9)} ${path}`);
          }
          return EXIT.ok;
        });
      }),
    );
}

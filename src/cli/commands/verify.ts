import type { Command } from 'commander';
import { action, collect, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, shortFingerprint } from '../output.js';
import { parseWindowFlag, parseMoment } from '../parse-flags.js';

interface VerifyOptions {
  chain: string[];
  trust: string[];
  systemRoots?: boolean;
  host?: string;
  at?: string;
  password: string[];
  expiringSoon: string;
  strict?: boolean;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'Validate a certificate offline the way TLS clients do (RFC 5280 path building and validation, the WebPKI ' +
        'profile, RFC 6125 names): exit 0 when a valid path to a trust anchor exists for the host at the time, ' +
        '1 with the finding codes when not, 2 when an input cannot be read. CERT may hold the whole chain ' +
        '(leaf first); any format Custos reads (PEM, DER, PKCS#7, PKCS#12, JKS).',
    )
    .argument('<CERT>', 'the certificate to verify (the first certificate of the file is the leaf)')
    .option('--chain <file>', 'intermediates as they will be served, in order (repeatable)', collect, [])
    .option('--trust <file>', 'trust anchors to use instead of the system roots (repeatable)', collect, [])
    .option('--system-roots', 'with --trust: also trust the system roots')
    .option('--host <name|ip>', 'the host name or IP address the certificate must be valid for')
    .option(
      '--at <time>',
      'verify at this time instead of now: a time (2026-10-01T00:00:00Z) or how long ago (30d)',
    )
    .option('--password <password>', 'password of a PKCS#12 or JKS input (repeatable)', collect, [])
    .option('--expiring-soon <duration>', 'window of the expiring-soon finding', '30d')
    .option(
      '--strict',
      'also hold every certificate of the path to the certificate lints (CA/B Forum BR and RFC 5280 profile, ' +
        'as `custos lint`; the strict profile C2SP x509-limbo grades): a failure is path-invalid',
    )
    .option(
      '--json',
      'print {"valid","host","at","path":[{"fingerprintSha256","subject","issuer"}],"findings":[{"code","severity","message"}]}',
    )
    .addHelpText(
      'after',
      examples(
        'custos verify fullchain.pem --host api.example.com',
        'custos verify cert.pem --chain intermediate.pem --trust private-root.pem --host 10.0.0.5',
        'custos verify cert.pem --chain chain.pem --at 2027-01-01 --json',
        'custos verify fullchain.pem --host api.example.com --strict',
      ),
    )
    .action(
      action(async (cert: string, options: VerifyOptions, command: Command) => {
        const at = options.at === undefined ? undefined : parseMoment(options.at, '--at');
        const expiringWithinDays = parseWindowFlag(options.expiringSoon, '--expiring-soon') / 86_400_000;
        const [{ withDependencies }, { verifyChain }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/verify-chain.js'),
        ]);
        const result = await withDependencies(globalOptions(command), async (deps) => {
          const files = deps.certificateFiles;
          const [leaf, ...rest] = await files.read(cert, options.password);
          const chain = [...rest];
          for (const file of options.chain)
            chain.push(...(await files.read(file, options.password, '--chain')));
          const trustAnchors = await files.trustAnchors({
            files: options.trust,
            includeSystem: options.trust.length === 0 || options.systemRoots === true,
          });
          return verifyChain(deps, {
            leaf: leaf!,
            chain,
            trustAnchors,
            host: options.host ?? null,
            at: at?.(deps.clock.now()) ?? null,
            expiringWithinDays,
            strict: options.strict === true,
          });
        });
        if (options.json) {
          printJson({
            valid: result.valid,
            host: result.host,
            at: result.at.toISOString(),
            path: result.path,
            findings: result.findings.map(({ code, severity, message }) => ({ code, severity, message })),
          });
        } else {
          const what = `${result.host ?? 'any name'} at ${result.at.toISOString()}`;
          const codes = [...new Set(result.findings.map((f) => f.code))];
          printLine(
            result.valid
              ? `valid: a path to a trust anchor for ${what}`
              : `NOT valid for ${what}: ${codes.join(', ')}`,
          );
          printLine(result.complete ? 'path:' : 'path (no trust anchor reached):');
          result.path.forEach((entry, i) => {
            const anchor = result.complete && i === result.path.length - 1 ? ' (trust anchor)' : '';
            const issuer = entry.issuer === entry.subject ? '' : ` → ${entry.issuer}`;
            printLine(`  ${shortFingerprint(entry.fingerprintSha256)}  ${entry.subject}${issuer}${anchor}`);
          });
          if (result.findings.length > 0) printLine('findings:');
          for (const f of result.findings)
            printLine(`  ${f.severity.padEnd(8)} ${f.code.padEnd(17)} ${f.message}`);
        }
        return result.valid ? EXIT.ok : EXIT.found;
      }),
    );
}

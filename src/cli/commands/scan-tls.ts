import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import type { ScanTlsSummary, TlsEndpointResult } from '../../core/scan-tls.js';
import { action, collect, commandGroup, examples } from '../command-group.js';
import { configOption, globalOptions } from '../global-options.js';
import { EXIT, printLine, printTable, Progress, shortFingerprint } from '../output.js';
import { parseWindowFlag, positiveInteger } from '../parse-flags.js';
import { counted } from '../../core/plural.js';
import { parseDuration } from '../../core/duration.js';

interface ScanTlsOptions {
  ports: string;
  targetsFile?: string;
  sni: string[];
  trust: string[];
  starttls?: string;
  maxRangeAddresses: string;
  maxEndpoints: string;
  expiringSoon: string;
  json?: boolean;
}

/** Failed endpoints listed one by one in the table; past this, only their counts (a range is mostly refused). */
const MAX_FAILURE_ROWS = 50;

const endpointName = (r: TlsEndpointResult): string =>
  `${r.host.includes(':') ? `[${r.host}]` : r.host}:${r.port}${r.sni !== null && r.sni !== r.host ? ` (${r.sni})` : ''}`;

export function registerScanTls(program: Command): void {
  const tls = commandGroup(program, 'scan', 'discover certificates in files and on the network').command(
    'tls',
  );
  configOption(tls, 'scan.concurrency', '--concurrency <n>', 'connections in flight at once');
  configOption(
    tls,
    'scan.timeout',
    '--timeout <duration>',
    'deadline of each connection: DNS, TCP, STARTTLS and handshake',
  );
  configOption(
    tls,
    'scan.dnsServers',
    '--dns-server <ip[:port]>',
    'resolve host names with this DNS server (repeatable)',
    collect,
  );
  tls
    .description(
      'Connect to TLS endpoints (host names, IP addresses, host:port, [IPv6]:port, CIDR ranges) and record the ' +
        'chain each one serves, in the order served, at its tls location (host, port, SNI name). Each chain is ' +
        'judged as a TLS client would: untrusted-root, incomplete-chain, chain-order, hostname-mismatch, and the ' +
        'validity, key and signature of every certificate. STARTTLS is used on ports 25 and 587 (SMTP) and 5432 ' +
        '(PostgreSQL). A failed endpoint is a result with a code (refused, timeout, dns, not-tls, ' +
        'handshake-failed, reset) and the scan goes on.',
    )
    .argument(
      '[target...]',
      'what to scan: a.example, a.example:8443, 10.0.0.5, [2001:db8::1]:443, 10.0.0.0/24',
    )
    .option('--ports <list>', 'ports for targets that name none, e.g. 443,8443 or 8000-8010', '443')
    .option('--targets-file <file>', 'read targets from a file, one a line (# starts a comment)')
    .option('--sni <name>', 'SNI name to send; each is scanned as its own location (repeatable)', collect, [])
    .option('--trust <file>', 'private roots to trust besides the system roots (repeatable)', collect, [])
    .option('--starttls <protocol>', 'upgrade every endpoint with smtp or postgres, whatever its port')
    .option('--max-range-addresses <n>', 'refuse a CIDR range holding more addresses than this', '65536')
    .option(
      '--max-endpoints <n>',
      'refuse a scan of more endpoints than this (addresses x ports x SNI names, all targets)',
      '65536',
    )
    .option('--expiring-soon <duration>', 'window of the expiring-soon finding', '30d')
    .option('--json', 'print {"results":[one per endpoint],"summary":{...}}, streamed as endpoints finish')
    .addHelpText(
      'after',
      examples(
        'custos scan tls api.example.com mail.example.com:587',
        'custos scan tls 10.0.0.0/24 --ports 443,8443 --concurrency 128 --timeout 3s',
        'custos scan tls lb.example.com --sni shop.example.com --sni api.example.com --trust corp-root.pem',
        'custos scan tls --targets-file hosts.txt --json > scan.json',
      ),
    )
    .action(
      action(async (targets: string[], options: ScanTlsOptions, command: Command) => {
        const [{ readUserFile }, targetsModule] = await Promise.all([
          import('../../compose/user-files.js'),
          import('../../core/scan/tls-targets.js'),
        ]);
        const texts = [...targets];
        if (options.targetsFile !== undefined) {
          const content = (await readUserFile(options.targetsFile, { what: '--targets-file' })).toString(
            'utf8',
          );
          texts.push(...targetsModule.parseTargetsFile(content));
        }
        if (texts.length === 0) {
          throw new DomainError('CUSTOS_USAGE', 'scan tls: no target given', {
            hint: 'name targets on the command line or with --targets-file; see custos scan tls --help',
          });
        }
        const plan = targetsModule.planTlsScan(texts.map(targetsModule.parseTarget), {
          ports: targetsModule.parsePortList(options.ports),
          sni: options.sni,
          starttls: targetsModule.parseStartTls(options.starttls, '--starttls'),
          maxRangeAddresses: positiveInteger(options.maxRangeAddresses, '--max-range-addresses', 2 ** 32),
          maxEndpoints: positiveInteger(options.maxEndpoints, '--max-endpoints', 2 ** 32),
        });
        const skipped =
          plan.skippedAddresses > 0
            ? `skipped ${plan.skippedAddresses} addresses of the ranges that are never a unicast destination (0.0.0.0/8, multicast, 240.0.0.0/4, ::, ff00::/8)`
            : null;
        if (skipped !== null && options.json !== true) printLine(skipped);
        const [{ withBackend }, { scanTls }, { runRemoteScan }, { pemBlock }, { API_MAX_ENDPOINTS }] =
          await Promise.all([
            import('../runtime.js'),
            import('../../core/scan-tls.js'),
            import('../remote-scan.js'),
            import('../../pki/formats/pem-writer.js'),
            import('../../core/scan/start-scan.js'),
          ]);
        const expiringWithinDays = parseWindowFlag(options.expiringSoon, '--expiring-soon') / 86_400_000;

        const progress = new Progress();
        const served: TlsEndpointResult[] = [];
        const failed: TlsEndpointResult[] = [];
        let done = 0;
        const onResult = (result: TlsEndpointResult): void => {
          done++;
          if (options.json) process.stdout.write(`${done > 1 ? ',\n' : ''}${JSON.stringify(result)}`);
          else if (result.ok) served.push(result);
          else if (failed.length <= MAX_FAILURE_ROWS) failed.push(result);
          progress.update(`scanning: ${done}/${plan.total} endpoints`);
        };
        const summary = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const trustAnchors = await rt.certificateFiles.trustAnchors({
              files: options.trust,
              includeSystem: true,
            });
            if (options.json) process.stdout.write('{"results":[\n');
            return scanTls(rt, {
              endpoints: plan.endpoints(),
              concurrency: rt.config.scan.concurrency,
              trustAnchors,
              expiringWithinDays,
              endAfter: {
                probes: rt.config.scan.tls.endAfter,
                durationMs: parseDuration(rt.config.scan.tls.endAfterDuration, 'scan.tls.endAfterDuration'),
              },
              actor: rt.actor,
              onResult,
            });
          },
          // The server probes from where it runs; the trust files are read here and sent as PEM.
          remote: async (api, deps) => {
            const trust: string[] = [];
            for (const file of options.trust)
              for (const der of await deps.certificateFiles.read(file, [], '--trust'))
                trust.push(pemBlock('CERTIFICATE', der));
            const scanned = (await runRemoteScan(
              api,
              {
                kind: 'tls',
                targets: texts,
                ports: options.ports,
                ...(options.sni.length > 0 ? { sni: options.sni } : {}),
                ...(trust.length > 0 ? { trust } : {}),
                ...(options.starttls === undefined ? {} : { starttls: options.starttls }),
                expiringSoon: options.expiringSoon,
                maxEndpoints: Math.min(
                  positiveInteger(options.maxEndpoints, '--max-endpoints', 2 ** 32),
                  API_MAX_ENDPOINTS,
                ),
              },
              progress,
            )) as { results: TlsEndpointResult[]; summary: Awaited<ReturnType<typeof scanTls>> };
            if (options.json) process.stdout.write('{"results":[\n');
            for (const result of scanned.results) onResult(result);
            return scanned.summary;
          },
        });
        progress.done();
        if (options.json) {
          const full = { ...summary, skippedAddresses: plan.skippedAddresses };
          process.stdout.write(`\n],"summary":${JSON.stringify(full)}}\n`);
          return EXIT.ok;
        }
        printEndpoints(served, failed);
        printLine(tlsSummaryLine(summary));
        return EXIT.ok;
      }),
    );
}

/** The last line of a TLS scan: endpoints, what they served, what changed. */
export function tlsSummaryLine(summary: ScanTlsSummary): string {
  const failures = Object.entries(summary.failures).map(([code, n]) => `${n} ${code}`);
  return (
    `${counted(summary.endpoints, 'endpoint')}: ${summary.served} served a chain (${summary.trusted} trusted), ` +
    `${summary.failed} failed${failures.length > 0 ? ` (${failures.join(', ')})` : ''}; ` +
    `${counted(summary.certificates, 'certificate')}, ${summary.new} new, ${counted(summary.changed, 'endpoint')} changed` +
    (summary.unreachable + summary.ended > 0
      ? `; ${summary.unreachable} known unreachable, ${summary.ended} ended`
      : '')
  );
}

function printEndpoints(served: TlsEndpointResult[], failed: TlsEndpointResult[]): void {
  const rows = served.map((r) => {
    if (!r.ok) return [];
    const leaf = r.chain[0];
    const codes = [...new Set(r.findings.map((f) => f.code))].join(',');
    return [
      endpointName(r),
      r.tlsVersion,
      leaf ? `${shortFingerprint(leaf.fingerprintSha256)} ${leaf.subject}` : '-',
      codes === '' ? 'ok' : codes,
    ];
  });
  const listFailures = failed.length <= MAX_FAILURE_ROWS;
  if (listFailures) for (const r of failed) if (!r.ok) rows.push([endpointName(r), r.code, '-', r.message]);
  if (rows.length > 0) {
    printTable(['ENDPOINT', 'RESULT', 'LEAF', 'FINDINGS'], rows);
    printLine();
  }
  if (!listFailures) printLine(`(over ${MAX_FAILURE_ROWS} endpoints failed: --json lists every one)`);
}

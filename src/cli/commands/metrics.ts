import type { Command } from 'commander';
import { action, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT } from '../output.js';
import type { Dependencies } from '../runtime.js';

interface MetricsOptions {
  output?: string;
}

async function write(
  deps: Pick<Dependencies, 'writeOutputFile'>,
  text: string,
  output: string | undefined,
): Promise<void> {
  if (output === undefined) process.stdout.write(text);
  else await deps.writeOutputFile(output, text);
}

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description(
      "Print the metrics of /metrics once: the inventory in x509-certificate-exporter's names (x509_cert_not_after, " +
        'x509_cert_not_before, x509_cert_expired, x509_read_errors; labels filename, filepath, ' +
        'secret_namespace, secret_name, subject_C..subject_CN, issuer_C..issuer_CN, serial_number in decimal, plus ' +
        "owner and fingerprint_sha256), TLS endpoints in blackbox_exporter's " +
        "(probe_ssl_*), managed certificates in cert-manager's (certmanager_certificate_*), findings and lifecycle " +
        "counters (custos_*; docs/metrics.md). With --output, the file is replaced atomically, as node_exporter's " +
        'textfile collector needs.',
    )
    .option('--output <file>', 'write to this file (atomically) instead of stdout, e.g. for node_exporter')
    .addHelpText(
      'after',
      examples(
        'custos metrics',
        'custos metrics --output /var/lib/node_exporter/textfile_collector/custos.prom   # from cron, after a scan',
      ),
    )
    .action(
      action(async (options: MetricsOptions, command: Command) => {
        const [{ withBackend }, { metricsCollector }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/metrics/metrics-collector.js'),
        ]);
        await withBackend(globalOptions(command), {
          local: async (rt) => {
            const text = await metricsCollector(rt, {
              maxSeries: rt.config.metrics.maxSeries,
              render: rt.renderMetrics,
              sleep: rt.sleep,
            }).scrape();
            await write(rt, text, options.output);
          },
          // The server's own scrape: its counters (issuance, renewals, notifications) are the live ones.
          remote: async (api, deps) =>
            write(deps, await api.text({ method: 'GET', path: '/metrics' }), options.output),
        });
        return EXIT.ok;
      }),
    );
}

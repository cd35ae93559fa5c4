import type { Command } from 'commander';
import { action, examples } from '../command-group.js';
import type { ConfigFlag } from '../../compose/config/load-config.js';
import { configOption, globalOptions } from '../global-options.js';
import { EXIT, printLine } from '../output.js';

interface ServeFlags {
  /** commander's --no-workers: false when given. */
  workers: boolean;
  /** commander's --no-ca: false when given. */
  ca: boolean;
  tls?: boolean;
  demo?: boolean;
}

/** The boolean flags that set configuration keys (configOption takes flags with a value). */
const switches = (flags: ServeFlags): ConfigFlag[] => [
  ...(flags.ca ? [] : [{ key: 'server.createCa', flag: '--no-ca', value: 'false' }]),
  ...(flags.tls === true ? [{ key: 'server.tls.enabled', flag: '--tls', value: 'true' }] : []),
];

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description(
      'Run the Custos server: the HTTP API (OpenAPI at /openapi.json), /healthz and /readyz, the CRLs and the ' +
        'OCSP responder of the built-in CA, and the background work. Prints `listening: URL` once it accepts ' +
        'connections, then, on the first start only, `admin token: TOKEN` (an admin API token, shown once), and on ' +
        'every start `dashboard: URL` (a one-time sign-in link, valid 15 minutes); SIGINT or SIGTERM stops it gracefully (requests in flight finish, then the store is closed; ' +
        'exit 0). Logs JSON lines on stderr at info unless --log-level says otherwise. See docs/server.md.',
    );
  configOption(
    command,
    'server.listen',
    '--listen <address>',
    'HOST:PORT to listen on; port 0 picks a free one',
  );
  configOption(
    command,
    'server.tls.certFile',
    '--tls-cert <file>',
    'serve HTTPS with this certificate (PEM, leaf first), re-read when it changes or on SIGHUP',
  );
  configOption(command, 'server.tls.keyFile', '--tls-key <file>', 'the private key (PEM) of --tls-cert');
  configOption(
    command,
    'server.tls.names',
    '--tls-name <name>',
    'with --tls: a DNS name or IP address of the server certificate (repeatable)',
    (value, previous) => [...(previous ?? []), value],
  );
  command
    .option(
      '--tls',
      'serve HTTPS with a certificate from the built-in CA, renewed by the server (custos.yaml server.tls.enabled)',
    )
    .option(
      '--no-ca',
      'do not create the built-in CA on a store that has none (custos.yaml server.createCa: false)',
    )
    .option(
      '--demo',
      'also run a small local demo estate (TLS endpoints with common problems, files, owners demo-*, a managed certificate) and scan it',
    )
    .option('--no-workers', 'serve requests only: run no background work (another instance does it)')
    .addHelpText(
      'after',
      examples(
        'custos serve',
        'custos serve --listen 0.0.0.0:8700 --data-dir /var/lib/custos',
        'custos serve --demo   # a local estate with every kind of problem, in the dashboard within a minute',
        'custos serve --listen 127.0.0.1:0 --no-workers   # a free port, printed as "listening: URL"',
        'custos serve --tls   # then: curl --cacert <(custos ca bundle) https://127.0.0.1:8700/healthz',
        'custos serve --tls-cert /etc/custos/tls.pem --tls-key /etc/custos/tls.key   # kill -HUP reloads them',
        'curl -fsS http://127.0.0.1:8700/readyz',
      ),
    )
    .action(
      action(async (flags: ServeFlags, cmd: Command) => {
        const [{ withServerRuntime }, { serve, parseListenAddress }] = await Promise.all([
          import('../runtime.js'),
          import('../../server/listen.js'),
        ]);
        const global = globalOptions(cmd);
        await withServerRuntime(
          { ...global, flags: [...global.flags, ...switches(flags)], surface: 'server' },
          (rt) =>
            serve(rt, {
              listen: parseListenAddress(rt.config.server.listen),
              workers: flags.workers,
              onListening: (url) => printLine(`listening: ${url}`),
              onNotice: printLine,
              demo: flags.demo === true,
              onSignIn: ({ adminToken, dashboardUrl }) => {
                if (adminToken !== null) printLine(`admin token: ${adminToken}`);
                printLine(`dashboard: ${dashboardUrl}`);
              },
            }),
        );
        return EXIT.ok;
      }),
    );
}

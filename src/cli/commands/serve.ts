import type { Command } from 'commander';
import { action, examples } from '../command-group.js';
import { configOption, globalOptions } from '../global-options.js';
import { EXIT, printLine } from '../output.js';

interface ServeFlags {
  /** commander's --no-workers: false when given. */
  workers: boolean;
}

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
  command
    .option('--no-workers', 'serve requests only: run no background work (another instance does it)')
    .addHelpText(
      'after',
      examples(
        'custos serve',
        'custos serve --listen 0.0.0.0:8700 --data-dir /var/lib/custos',
        'custos serve --listen 127.0.0.1:0 --no-workers   # a free port, printed as "listening: URL"',
        'curl -fsS http://127.0.0.1:8700/readyz',
      ),
    )
    .action(
      action(async (flags: ServeFlags, cmd: Command) => {
        const [{ withRuntime }, { serve, parseListenAddress }] = await Promise.all([
          import('../runtime.js'),
          import('../../server/listen.js'),
        ]);
        await withRuntime({ ...globalOptions(cmd), surface: 'server' }, (rt) =>
          serve(rt, {
            listen: parseListenAddress(rt.config.server.listen),
            workers: flags.workers,
            onListening: (url) => printLine(`listening: ${url}`),
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

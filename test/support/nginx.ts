/**
 * A real nginx for tests: its own prefix, config and pid file in a temp folder, one TLS server on a free loopback
 * port serving the given certificate and key files. `reload` is the command a file destination runs
 * (`nginx -c CONF -s reload`, as an operator would write it).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';

export const NGINX = '/usr/sbin/nginx';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export interface Nginx {
  port: number;
  conf: string;
  process: ChildProcess;
  /** The command that makes this nginx reload its configuration and certificates. */
  reload: string[];
  stop(): Promise<void>;
}

export async function startNginx(
  root: string,
  name: string,
  files: { cert: string; key: string; serverName: string },
): Promise<Nginx> {
  const dir = join(root, name);
  await mkdir(join(dir, 'temp'), { recursive: true });
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `worker_processes 1;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')};\n` +
      `events { worker_connections 64; }\nhttp {\n  access_log off;\n` +
      ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
        .map((t) => `  ${t}_temp_path ${join(dir, 'temp')};\n`)
        .join('') +
      `  server { listen 127.0.0.1:${port} ssl; server_name ${files.serverName}; ` +
      `ssl_certificate ${files.cert}; ssl_certificate_key ${files.key}; return 200 "${name}\\n"; }\n}\n`,
  );
  const child = spawn(NGINX, ['-p', `${dir}/`, '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
    assert.ok(child.exitCode === null && Date.now() < deadline, `nginx ${name} did not start:\n${log}`);
    await wait(50);
  }
  return {
    port,
    conf,
    process: child,
    reload: [NGINX, '-p', `${dir}/`, '-c', conf, '-s', 'reload'],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

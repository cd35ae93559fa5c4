/**
 * The fuzz targets that go through the real server: buildApp over a SQLite store in a temp dir, with a CA
 * (`default`) and an admin token made through the core use cases, and `app.inject()` for each input. An `api-body`
 * input is a line `METHOD URL CONTENT-TYPE` and the body after it (a mutated first line falls back to one of the
 * routes, picked by the first byte); an `ocsp-responder` input is the DER body of `POST /ocsp`. An answer below 500
 * is expected (4xx is the server refusing the input); a 5xx answer or an exception is a crash. Every seed is sent
 * once before the run (warm).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { initAuthority } from '../../src/core/ca/init-authority.js';
import type { App } from '../../src/server/app.js';
import { buildApp } from '../../src/server/build-app.js';
import { apiToken } from '../../test/support/api-token.js';
import { aRuntime } from '../../test/support/server.js';

type Run = (input: Uint8Array) => unknown;
export interface ServerTarget {
  run: Run;
  close(): Promise<void>;
}

/** The routes an api-body input may name (the first line of a seed). */
export const API_ROUTES = ['/v1/apply', '/v1/scans', '/v1/certificates/issue', '/v1/findings/ack'];
const TYPES = ['application/json', 'application/yaml'];

/** A seed of the api-body target. */
export const apiSeed = (url: string, body: string, type = 'application/json'): Uint8Array =>
  new TextEncoder().encode(`POST ${url} ${type}\n${body}`);

async function serverApp(): Promise<{ app: App; token: string; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'custos-fuzz-api-'));
  const opened = await aRuntime(dataDir);
  const rt = { ...opened, logger: pino({ level: 'silent' }) };
  await initAuthority(rt, {
    name: 'default',
    keyType: 'ec-p256',
    where: { backend: 'software' },
    rootTtlMs: 10 * 365 * 86_400_000,
    intermediateTtlMs: 5 * 365 * 86_400_000,
  });
  const token = await apiToken(rt, { scopes: ['admin'] });
  const app = await buildApp(rt);
  await app.ready();
  return {
    app,
    token,
    close: async () => {
      await app.close();
      await rt.store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const failOn5xx = (status: number, body: string): number => {
  if (status >= 500) throw new Error(`answered ${status}: ${body.slice(0, 300)}`);
  return status;
};

/** Each seed once before the run, so the first timed input does not pay for Fastify compiling its routes. */
async function warm(target: ServerTarget, seeds: Uint8Array[]): Promise<ServerTarget> {
  for (const seed of seeds) await target.run(seed);
  return target;
}

export async function apiBodyTarget(seeds: Uint8Array[]): Promise<ServerTarget> {
  const server = await serverApp();
  const authorization = `Bearer ${server.token}`;
  const run: Run = async (input) => {
    const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const newline = buffer.indexOf(0x0a);
    const [, url, type] = buffer.subarray(0, Math.max(0, newline)).toString('latin1').split(' ');
    const body = newline < 0 ? buffer : buffer.subarray(newline + 1);
    const answer = await server.app.inject({
      method: 'POST',
      url: API_ROUTES.includes(url ?? '') ? url! : API_ROUTES[(input[0] ?? 0) % API_ROUTES.length]!,
      headers: {
        authorization,
        'content-type': TYPES.includes(type ?? '') ? type! : TYPES[(input[1] ?? 0) % 2]!,
      },
      payload: body,
    });
    return failOn5xx(answer.statusCode, answer.body);
  };
  return warm({ run, close: server.close }, seeds);
}

export async function ocspResponderTarget(seeds: Uint8Array[]): Promise<ServerTarget> {
  const server = await serverApp();
  const run: Run = async (input) => {
    const answer = await server.app.inject({
      method: 'POST',
      url: '/ocsp',
      headers: { 'content-type': 'application/ocsp-request' },
      payload: Buffer.from(input),
    });
    return failOn5xx(answer.statusCode, answer.body);
  };
  return warm({ run, close: server.close }, seeds);
}

/**
 * The HTTP application of `custos serve`, built from what the composition root builds (the same Runtime the CLI
 * runs with) and never listening: the server entry (listen.ts) listens, tests call `inject()` (DESIGN.md habit 9).
 * One plugin per area under plugins/; routes are schema-first (TypeBox), so the OpenAPI document at /openapi.json
 * is generated from what the server validates.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyServerFactory } from 'fastify';
import type { App } from './app.js';
import type { Runtime } from '../compose/runtime.js';
import { createOcspResponder, type OcspResponder } from '../core/ca/ocsp-responder.js';
import { createOcspSigners } from '../core/ca/ocsp-signer.js';
import { parseDuration } from '../core/duration.js';
import { metricsCollector, type MetricsCollector } from '../core/metrics/metrics-collector.js';
import { registerAuth } from './plugins/auth.js';
import { dashboardPlugin } from './plugins/dashboard.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { revocationPlugin } from './plugins/revocation.js';
import { tokensPlugin } from './plugins/tokens.js';
import { v1CaPlugin } from './plugins/v1-ca.js';
import { v1CaAdminPlugin } from './plugins/v1-ca-admin.js';
import { v1ManagedPlugin } from './plugins/v1-managed.js';
import { v1ScansPlugin } from './plugins/v1-scans.js';
import { registerOpenApi } from './plugins/openapi.js';
import { v1IdentitiesPlugin } from './plugins/v1-identities.js';
import { v1JobsPlugin } from './plugins/v1-jobs.js';
import { v1ExceptionsPlugin } from './plugins/v1-exceptions.js';
import { v1LocationsPlugin } from './plugins/v1-locations.js';
import { v1InventoryPlugin } from './plugins/v1-inventory.js';
import { v1NotifyPlugin } from './plugins/v1-notify.js';
import { v1PolicyPlugin } from './plugins/v1-policy.js';
import { v1OwnershipPlugin } from './plugins/v1-ownership.js';
import { v1AuditPlugin } from './plugins/v1-audit.js';
import { v1CertificatesPlugin } from './plugins/v1-certificates.js';
import { v1FindingsPlugin } from './plugins/v1-findings.js';
import { v1ObjectsPlugin } from './plugins/v1-objects.js';
import { sharedSchemas } from './plugins/v1-schemas.js';
import { installProblems } from './problem.js';
import { requestLogFields } from './request-log.js';
import { custosVocabulary, withCustosVocabulary } from '../core/schema/validator.js';

export interface BuildAppOptions {
  /** The largest request body accepted (bytes); default 1 MiB. */
  bodyLimit?: number;
  /** What the server keeps between requests; built from the runtime when not given. */
  services?: ServerServices;
  /** Serve HTTPS with this certificate and key (listen.ts swaps them with `setSecureContext` when renewed). */
  tls?: Pick<SecureContextOptions, 'cert' | 'key'>;
}

/** What lives as long as the server: caches that the background work refreshes too. */
export interface ServerServices {
  ocsp: OcspResponder;
  /** What /metrics serves: the estate families reused while nothing changed, counters read incrementally. */
  metrics: MetricsCollector;
}

export function buildServices(rt: Runtime): ServerServices {
  return {
    ocsp: createOcspResponder(
      {
        authorities: rt.store.authorities,
        keys: rt.keys,
        clock: rt.clock,
        ...(rt.config.ca.ocspSigner === 'delegated' ? { delegated: createOcspSigners(rt) } : {}),
      },
      { validityMs: parseDuration(rt.config.ca.ocspValidity, 'ca.ocspValidity') },
    ),
    metrics: metricsCollector(rt, {
      maxSeries: rt.config.metrics.maxSeries,
      render: rt.renderMetrics,
      sleep: rt.sleep,
    }),
  };
}

/** A client's X-Request-Id is kept when it is a plain token (so a proxy's id joins the logs), else one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** An https.Server is an http.Server with TLS underneath: the same requests, responses and close semantics. */
const httpsServer =
  (tls: Pick<SecureContextOptions, 'cert' | 'key'>): FastifyServerFactory<Server> =>
  (handler) =>
    createHttpsServer(tls, handler) as unknown as Server;

export async function buildApp(rt: Runtime, options: BuildAppOptions = {}): Promise<App> {
  const app = Fastify({
    // Request lines name no header and no secret of the query string (request-log.ts).
    loggerInstance: rt.logger.child({}, { serializers: { req: requestLogFields } }) as FastifyBaseLogger,
    genReqId: requestId,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // While closing, new requests get 503 and idle keep-alive connections are closed; in-flight ones finish.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false },
      // The formats and annotations of the declarative kinds' schemas (core/schema/validator.ts).
      plugins: [withCustosVocabulary],
    },
    // The response serializer's own Ajv (anyOf branches) knows the same formats.
    serializerOpts: { ajv: custosVocabulary() },
    ...(options.tls === undefined ? {} : { serverFactory: httpsServer(options.tls) }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Once closing, a response in flight ends its keep-alive connection, so close() does not wait for the client's
  // idle timeout (node closes only the connections that are idle when close() is called).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  installProblems(app);
  // Before every route: each one is guarded by its config.scope (none: admin).
  const deny = await registerAuth(app, { rt });
  await registerOpenApi(app, packageVersion());

  const services = options.services ?? buildServices(rt);
  await app.register(healthPlugin, { rt });
  await app.register(revocationPlugin, { rt, ocsp: services.ocsp });
  await app.register(tokensPlugin, { rt, deny });
  for (const schema of sharedSchemas()) app.addSchema(schema);
  await app.register(v1CertificatesPlugin, { rt });
  await app.register(v1FindingsPlugin, { rt });
  await app.register(v1ObjectsPlugin, { rt });
  await app.register(v1AuditPlugin, { rt });
  await app.register(metricsPlugin, { rt, metrics: services.metrics });
  await app.register(dashboardPlugin);
  await app.register(v1ScansPlugin, { rt, prefix: '/v1' });
  await app.register(v1CaPlugin, { rt, deny, prefix: '/v1' });
  await app.register(v1CaAdminPlugin, { rt, deny, prefix: '/v1' });
  await app.register(v1ManagedPlugin, { rt, deny, prefix: '/v1' });
  await app.register(v1IdentitiesPlugin, { rt, deny, prefix: '/v1' });
  await app.register(v1OwnershipPlugin, { rt, deny, prefix: '/v1' });
  await app.register(v1JobsPlugin, { rt, prefix: '/v1' });
  await app.register(v1ExceptionsPlugin, { rt, prefix: '/v1' });
  await app.register(v1LocationsPlugin, { rt, deny, prefix: '/v1' });
  await app.register(v1InventoryPlugin, { rt, prefix: '/v1' });
  await app.register(v1NotifyPlugin, { rt, deny, prefix: '/v1' });
  await app.register(v1PolicyPlugin, { rt, deny, prefix: '/v1' });
  return app;
}

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { PROVISIONER_TYPES } from '../../core/ca/provisioners/provisioner.js';
import { KEY_TYPES } from '../../core/ports/key-manager.js';

/**
 * The one schema of Custos' configuration: the file `custos.yaml`, the `CUSTOS_*` environment variables and the
 * flags all set these keys. The environment variable of a key is derived from its path (`scan.timeout` is
 * `CUSTOS_SCAN_TIMEOUT`); `x-secret` marks a URL whose password is redacted wherever the configuration is shown;
 * `default` is the value when nothing sets the key. The formats are checked by `config-validator.ts`.
 */
const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

const smtp = Type.Object(
  {
    url: Type.String({
      format: 'smtp-url',
      'x-secret': true,
      description: 'The SMTP server for email notices: smtp://host:port, or smtps://user:password@host:port.',
    }),
    from: Type.String({
      format: 'mail-sender',
      description: 'The sender of email notices, e.g. "Custos <custos@corp.example>".',
    }),
  },
  { additionalProperties: false, description: 'Email delivery; without it the email channel is off.' },
);

/** One enum (not a union of literals), so a bad value is one problem naming the allowed values. */
const oneOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], description }));

const scanTls = Type.Object(
  {
    endAfter: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      default: 3,
      description:
        'A TLS location whose sightings end after this many failed probes in a row (and scan.tls.endAfterDuration, whichever comes later); until then `inventory list` marks it unreachable.',
    }),
    endAfterDuration: Type.String({
      format: 'duration',
      default: '7d',
      description:
        'A TLS location whose sightings end once its probes have failed for this long (and scan.tls.endAfter probes, whichever comes later).',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'What `scan tls` does with endpoints that stop answering.',
  },
);

/** A named scan (`custos scan --profile NAME`): what to scan and with which settings, so a cron line forgets none. */
const scanProfile = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z0-9][a-z0-9._-]{0,62}$',
      description: 'Its name, e.g. web or certbot.',
    }),
    targets: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'TLS targets, as `scan tls` takes them: host, host:port, IP address, [IPv6]:port, CIDR range.',
      }),
    ),
    ports: Type.Optional(
      Type.Union(
        [
          Type.String({ minLength: 1 }),
          Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), { minItems: 1 }),
        ],
        { description: 'Ports of targets that name none: "443,8443" or [443, 8443] (default 443).' },
      ),
    ),
    sni: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'SNI names to send, each its own location.' }),
    ),
    starttls: Type.Optional(
      oneOf(['smtp', 'postgres'] as const, 'Upgrade every endpoint with smtp or postgres.'),
    ),
    trust: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Files of private roots trusted besides the system roots.',
      }),
    ),
    paths: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Files and directories to scan, as `scan files`.',
      }),
    ),
    passwordsFromEnv: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), {
        description:
          'Environment variables holding passwords to try on PKCS#12/JKS files and encrypted keys, one per line.',
      }),
    ),
  },
  { additionalProperties: false },
);

const scan = Type.Object(
  {
    timeout: Type.String({
      format: 'timeout',
      default: '5s',
      description: 'Deadline of each TLS connection of `scan tls`: DNS, TCP, STARTTLS and handshake.',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 64,
      description: 'TLS connections `scan tls` keeps in flight at once.',
    }),
    dnsServers: Type.Optional(
      Type.Array(Type.String({ format: 'dns-server' }), {
        description:
          'Resolve host names with these DNS servers (ip or ip:port) instead of the system resolver; in the environment, separated by commas.',
      }),
    ),
    tls: scanTls,
    profiles: Type.Optional(
      Type.Array(scanProfile, {
        description:
          'Named scans run by `custos scan --profile NAME` (all of them by `custos scan`): targets, ports, sni, starttls, trust, paths, passwordsFromEnv. In the file only.',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Discovery settings.' },
);

const audit = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        minLength: 1,
        'x-secret': true,
        description:
          'The 32-byte secret (base64 or hex) that seals the audit trail; keep it where the database is not, e.g. from a secret store. Default: the 0600 file audit.key in dataDir, created on first start.',
      }),
    ),
    keyFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'A 0600 file holding the audit key, kept apart from the database (it must exist).',
      }),
    ),
  },
  { additionalProperties: false, description: 'The key of the audit trail (docs/audit.md).' },
);

const tls = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description:
        'Serve HTTPS with a certificate from the built-in CA, issued at start and renewed by the server (files in <dataDir>/tls). Setting certFile and keyFile serves those instead.',
    }),
    certFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Serve HTTPS with this certificate (PEM, the leaf then its chain); re-read when it changes or on SIGHUP. Needs keyFile.',
      }),
    ),
    keyFile: Type.Optional(Type.String({ minLength: 1, description: 'The private key (PEM) of certFile.' })),
    names: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          "The DNS names and IP addresses of the built-in CA's server certificate. Default: the listen host and the host of server.baseUrl (a wildcard listen address adds the machine's name, localhost, 127.0.0.1 and ::1); in the environment, separated by commas.",
      }),
    ),
    authority: Type.String({
      minLength: 1,
      default: 'default',
      description: 'The CA of the built-in CA that signs the server certificate.',
    }),
    duration: Type.String({
      format: 'ttl',
      default: '30d',
      description:
        'The lifetime of the server certificate from the built-in CA; the server renews it at 2/3 of its lifetime and serves the new one without a restart.',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'HTTPS for the server itself (docs/server.md#tls); off unless enabled or certFile is set.',
  },
);

const server = Type.Object(
  {
    listen: Type.String({
      format: 'listen-address',
      default: '127.0.0.1:8700',
      description:
        'Where `custos serve` listens: HOST:PORT or [IPv6]:PORT (port 0 picks a free one, printed at start).',
    }),
    baseUrl: Type.String({
      format: 'base-url',
      default: 'http://127.0.0.1:8700',
      description:
        "The URL relying parties reach `custos serve` at: the built-in CA's issued certificates point their AIA (CA issuers, OCSP) and CRL distribution point here. Default https://127.0.0.1:8700 when the server serves TLS.",
    }),
    createCa: Type.Boolean({
      default: true,
      description:
        'Create the built-in CA (`default`, as `custos ca init` does) when `custos serve` starts on a store that has no CA; false (`--no-ca`): do not.',
    }),
    tls,
  },
  { additionalProperties: false, default: {}, description: 'The server (`custos serve`, docs/server.md).' },
);

/** Where the CLI sends its commands instead of the local store (`--server`); a client setting, not the server's. */
const remote = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        format: 'base-url',
        'x-env': 'CUSTOS_SERVER',
        description:
          'Run commands against this Custos server over its API (e.g. https://custos.corp.example:8700) instead of the local store; the same commands either way (docs/server.md).',
      }),
    ),
    token: Type.Optional(
      Type.String({
        minLength: 1,
        'x-secret': true,
        'x-env': 'CUSTOS_TOKEN',
        description:
          'The bearer token the CLI sends to remote.url (made by `custos token create`); prefer the environment to the file.',
      }),
    ),
  },
  { additionalProperties: false, description: 'The server the CLI talks to (--server).' },
);

const ca = Type.Object(
  {
    crlValidity: Type.String({
      format: 'duration',
      default: '7d',
      description: 'How long a CRL of the built-in CA is valid: its nextUpdate is its thisUpdate plus this.',
    }),
    ocspValidity: Type.String({
      format: 'timeout',
      default: '1h',
      description:
        'How long an OCSP response of the built-in CA is valid (nextUpdate - thisUpdate); it is re-signed when half of it has passed.',
    }),
    ocspSigner: Type.Unsafe<'ca' | 'delegated'>(
      Type.String({
        enum: ['ca', 'delegated'],
        default: 'delegated',
        description:
          "Who signs the built-in CA's OCSP responses: a delegated responder certificate each CA issues for 7 days and renews (id-kp-OCSPSigning, ocsp-nocheck), or the CA's own key.",
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'The built-in CA (docs/ca.md).' },
);

const metrics = Type.Object(
  {
    public: Type.Boolean({
      default: false,
      description:
        'Serve /metrics without a token (for scrapers that cannot send one); by default it needs a token with the read scope.',
    }),
    maxSeries: Type.Integer({
      minimum: 1,
      default: 100_000,
      description:
        'The series one metric family may export on /metrics; the rest (the certificates that expire last) are dropped and counted in custos_metrics_series_dropped_total.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'The Prometheus metrics (docs/metrics.md).' },
);

const provisionerLimits = Type.Object(
  {
    names: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          'Globs the DNS names, IP addresses and URIs asked for must match: `*` within a label, `**` across labels.',
      }),
    ),
    keyTypes: Type.Optional(
      Type.Array(oneOf(KEY_TYPES, 'A key type.'), { description: 'The key types it may ask for.' }),
    ),
    maxTtl: Type.Optional(
      Type.String({ format: 'ttl', description: 'The longest lifetime it may ask for, e.g. 24h or 90d.' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'What its grants may ask for; absent: no limit beyond the CA.',
  },
);

/** A provisioner (docs/provisioners.md); the keys of its type are checked together in provisioners-config.ts. */
const provisioner = Type.Object(
  {
    name: Type.String({ format: 'provisioner-name', description: 'Its name, e.g. ci or k8s-prod.' }),
    type: oneOf(PROVISIONER_TYPES, 'bootstrap, oidc, kubernetes or mtls.'),
    limits: Type.Optional(provisionerLimits),
    issuer: Type.Optional(
      Type.String({ minLength: 1, description: 'oidc, kubernetes: the `iss` of its tokens.' }),
    ),
    audience: Type.Optional(
      Type.String({ minLength: 1, description: 'oidc, kubernetes: the `aud` its tokens must carry.' }),
    ),
    jwksUri: Type.Optional(
      Type.String({
        format: 'http-url',
        description: "oidc, kubernetes: where the issuer's JWK Set is fetched.",
      }),
    ),
    jwksFile: Type.Optional(
      Type.String({ minLength: 1, description: "oidc, kubernetes: a file holding the issuer's JWK Set." }),
    ),
    claimsToNames: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'oidc: the claims whose values are the only names a token may ask for.',
      }),
    ),
    authority: Type.Optional(
      Type.String({ minLength: 1, description: 'mtls: renew only certificates this CA issued.' }),
    ),
  },
  { additionalProperties: false },
);

export const CONFIG_SCHEMA = Type.Object(
  {
    dataDir: Type.String({
      minLength: 1,
      default: './.custos',
      description: 'Directory of the embedded SQLite database custos.db (used when databaseUrl is not set).',
    }),
    databaseUrl: Type.Optional(
      Type.String({
        format: 'postgres-url',
        'x-secret': true,
        description: 'Keep the state in PostgreSQL instead: postgres://user[:password]@host:5432/database.',
      }),
    ),
    // One `enum` (not a union of literals), so a bad value is one problem naming the allowed levels.
    logLevel: Type.Unsafe<(typeof LOG_LEVELS)[number]>(
      Type.String({
        enum: [...LOG_LEVELS],
        default: 'silent',
        description:
          'What is logged (JSON lines on stderr): silent, fatal, error, warn, info, debug or trace.',
      }),
    ),
    smtp: Type.Optional(smtp),
    scan,
    audit: Type.Optional(audit),
    server,
    remote: Type.Optional(remote),
    metrics,
    ca,
    provisioners: Type.Optional(
      Type.Array(provisioner, {
        description:
          'Who may ask the built-in CA for certificates, and how they prove it (docs/provisioners.md); a bootstrap provisioner named bootstrap exists unless one of that name is listed. In the file only.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The effective configuration: every key with a default has a value. */
export type Config = Static<typeof CONFIG_SCHEMA>;

export type LogLevel = Config['logLevel'];

/** A key of the configuration, as the schema defines it. */
export interface ConfigKey {
  /** The key's path, e.g. ['scan', 'timeout']. */
  path: readonly string[];
  /** The dotted path, as written in docs and messages: `scan.timeout`. */
  name: string;
  /** The environment variable that sets it. */
  env: string;
  schema: TSchema;
  secret: boolean;
}

/** The variable of a key: `x-env` when the schema names one (CUSTOS_SERVER), else derived from the path. */
const envName = (path: readonly string[], schema: TSchema): string =>
  (schema as { 'x-env'?: string })['x-env'] ??
  `CUSTOS_${path.map((p) => p.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()).join('_')}`;

function collectKeys(schema: TSchema, path: readonly string[], out: ConfigKey[]): ConfigKey[] {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (schema.type === 'object' && properties !== undefined) {
    for (const [key, child] of Object.entries(properties)) collectKeys(child, [...path, key], out);
  } else {
    out.push({
      path,
      name: path.join('.'),
      env: envName(path, schema),
      schema,
      secret: (schema as { 'x-secret'?: boolean })['x-secret'] === true,
    });
  }
  return out;
}

/** Every key that takes a value (the leaves of the schema), in the schema's order. */
export const CONFIG_KEYS: readonly ConfigKey[] = collectKeys(CONFIG_SCHEMA, [], []);

export function configKey(name: string): ConfigKey {
  const key = CONFIG_KEYS.find((k) => k.name === name);
  if (key === undefined) throw new Error(`no configuration key ${name}`);
  return key;
}

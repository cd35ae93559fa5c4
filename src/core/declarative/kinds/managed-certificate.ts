import { parseIpAddress } from '../../../pki/ip-address.js';
import { parseDuration } from '../../duration.js';
import { duration, httpUrl, name } from '../fields.js';
import {
  integer,
  listOf,
  object,
  oneOf,
  optional,
  string,
  type FieldProblem,
  type Infer,
  type Schema,
} from '../schema.js';

export const KEY_ALGORITHMS = ['ECDSA', 'RSA', 'Ed25519'] as const;
export const ROTATION_POLICIES = ['Always', 'Never'] as const;

/** The key sizes each algorithm takes (the first is the default); Ed25519 has none. */
export const KEY_SIZES: Record<(typeof KEY_ALGORITHMS)[number], readonly number[]> = {
  ECDSA: [256, 384],
  RSA: [2048, 3072, 4096],
  Ed25519: [],
};

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const absolutePath = (description: string): Schema<string> =>
  string({ pattern: /^\//, expected: 'an absolute path', description });

const fileDestination = object(
  {
    certificate: absolutePath('The leaf certificate alone (PEM).'),
    chain: optional(absolutePath('The certificates above the leaf, nearest first (PEM).')),
    fullchain: optional(
      absolutePath('The leaf followed by its chain (PEM), as nginx ssl_certificate takes it.'),
    ),
    privateKey: absolutePath('The private key (PKCS#8 PEM).'),
    mode: optional(
      string({
        pattern: /^0?[0-7]{3}$/,
        expected: "an octal file mode as a quoted string, e.g. '0640'",
        description: 'Mode of every file written (default: 0644 for certificates, 0600 for the key).',
      }),
    ),
    reload: optional(
      object({
        command: listOf(string(), {
          minItems: 1,
          description: 'Program and arguments, run without a shell after the files are written.',
        }),
        timeout: optional(duration('How long the command may run (default 30s).')),
      }),
    ),
  },
  { description: 'Files written atomically; the previous ones kept as NAME.previous for rollback.' },
);

const command = (description: string): Schema<string[]> => listOf(string(), { minItems: 1, description });

const execDestination = object(
  {
    command: command(
      'Program and arguments, run without a shell; the paths of the revision files are in its environment (CUSTOS_CERTIFICATE_FILE, ...).',
    ),
    timeout: optional(duration('How long the command may run (default 30s).')),
  },
  {
    description:
      'A command that installs the revision (appliances, scripts); its exit code decides, its output is audited. At teardown it runs again with CUSTOS_ACTION=remove.',
  },
);

/** Only the CUSTOS_* variables are read from the environment (src/compose/config/environment.ts). */
const environmentVariable = (description: string): Schema<string> =>
  string({
    pattern: /^CUSTOS_[A-Z0-9_]+$/,
    expected: 'an environment variable named CUSTOS_...',
    description,
  });

const webhookDestination = object(
  {
    url: httpUrl(),
    secretEnv: optional(
      environmentVariable(
        'The variable holding the HMAC secret: the body is signed in Custos-Signature, as webhook notifications are.',
      ),
    ),
    bearerTokenEnv: optional(
      environmentVariable('The variable holding a token sent as Authorization: Bearer.'),
    ),
    timeout: optional(duration('How long to wait for the answer (default 10s).')),
  },
  {
    description:
      'POSTs the revision (certificate, chain and key, JSON) to an endpoint that installs it; any 2xx is success, anything else is retried with backoff. http:// only to a loopback address.',
  },
);

const DESTINATION_KINDS = ['file', 'exec', 'webhook'] as const;

const destinationFields = object({
  file: optional(fileDestination),
  exec: optional(execDestination),
  webhook: optional(webhookDestination),
});

/** One destination: exactly one of its kinds. */
const destination: Schema<Infer<typeof destinationFields>> = {
  validate(value, path, problems) {
    const checked = destinationFields.validate(value, path, problems);
    if (checked === undefined) return undefined;
    const given = DESTINATION_KINDS.filter((k) => checked[k] !== undefined);
    if (given.length !== 1) {
      problems.push({
        path,
        message: `give exactly one of ${DESTINATION_KINDS.join(', ')}${given.length > 1 ? `, got ${given.join(' and ')}` : ''}`,
      });
      return undefined;
    }
    const url = checked.webhook?.url;
    if (url !== undefined && new URL(url).protocol === 'http:' && !isLoopback(new URL(url).hostname)) {
      problems.push({
        path: [...path, 'webhook', 'url'],
        message: 'the revision carries its private key: use https:// (http:// only to a loopback address)',
      });
      return undefined;
    }
    return checked;
  },
  json: () => ({ ...destinationFields.json(), minProperties: 1, maxProperties: 1 }),
};

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

const fields = object({
  identity: optional(name('The Identity the certificate is for.')),
  commonName: optional(string({ description: 'Subject common name.' })),
  dnsNames: optional(
    listOf(string({ pattern: DNS_NAME, expected: 'a lower-case DNS name (a leading *. allowed)' })),
  ),
  ipAddresses: optional(
    listOf(
      string({
        expected: 'an IPv4 or IPv6 address',
        check: (v) => (parseIpAddress(v) === null ? `"${v}" is not an IP address` : null),
      }),
    ),
  ),
  uris: optional(
    listOf(
      string({
        expected: 'a URI such as spiffe://corp.example/ns/web/sa/api',
        check: (v) => (URL.canParse(v) ? null : `"${v}" is not a URI`),
      }),
    ),
  ),
  duration: duration('Lifetime of each revision.'),
  renewBefore: optional(duration('Renew this long before expiry (default: at 2/3 of the lifetime).')),
  supersededGracePeriod: optional(
    duration(
      'How long a superseded revision may still be served before it is a superseded-still-served finding (default 1h).',
    ),
  ),
  issuerRef: object({ name: name('The issuer: a CA of the built-in CA (`default`), later ACME.') }),
  privateKey: optional(
    object({
      algorithm: oneOf(KEY_ALGORITHMS, 'Key algorithm (default ECDSA).'),
      size: optional(integer({ min: 256, max: 4096, description: 'ECDSA 256|384, RSA 2048|3072|4096.' })),
      rotationPolicy: optional(oneOf(ROTATION_POLICIES, 'Always (default): a new key for every revision.')),
    }),
  ),
  destinations: optional(listOf(destination, { description: 'Where revisions go.' })),
  verify: optional(
    listOf(
      object({
        host: string({ description: 'Host name or IP address to connect to.' }),
        port: integer({ min: 1, max: 65535 }),
        sni: optional(string({ description: 'Server name sent (default: host, unless an IP address).' })),
        starttls: optional(oneOf(['smtp', 'postgres'] as const, 'Plain-text upgrade before TLS.')),
      }),
    ),
  ),
});

type Fields = Infer<typeof fields>;

/** Checks across fields: something to certify, a key size the algorithm takes, renewBefore within the lifetime. */
function crossFieldProblems(spec: Fields, path: ReadonlyArray<string | number>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const named =
    (spec.dnsNames?.length ?? 0) + (spec.ipAddresses?.length ?? 0) + (spec.uris?.length ?? 0) > 0 ||
    spec.commonName !== undefined;
  if (!named)
    problems.push({ path, message: 'give at least one of commonName, dnsNames, ipAddresses, uris' });
  const key = spec.privateKey;
  if (key !== undefined && key.size !== undefined && !KEY_SIZES[key.algorithm].includes(key.size)) {
    problems.push({
      path: [...path, 'privateKey', 'size'],
      message:
        key.algorithm === 'Ed25519'
          ? 'Ed25519 takes no size'
          : `${key.algorithm} takes size ${KEY_SIZES[key.algorithm].join(', ')}, got ${key.size}`,
    });
  }
  if (spec.renewBefore !== undefined) {
    const lifetime = parseDuration(spec.duration, 'duration', { form: 'declared' });
    const before = parseDuration(spec.renewBefore, 'renewBefore', { form: 'declared' });
    if (before >= lifetime)
      problems.push({
        path: [...path, 'renewBefore'],
        message: `renewBefore (${spec.renewBefore}) must be shorter than duration (${spec.duration})`,
      });
  }
  return problems;
}

/**
 * ManagedCertificate: the lifecycle unit (cert-manager's Certificate). The reconciler issues a revision through
 * `issuerRef`, deploys it to every destination, and is Ready only when every `verify` endpoint serves it.
 */
export const managedCertificateSpec: Schema<Fields> = {
  validate(value, path, problems) {
    const spec = fields.validate(value, path, problems);
    if (spec === undefined) return undefined;
    const more = crossFieldProblems(spec, path);
    problems.push(...more);
    return more.length === 0 ? spec : undefined;
  },
  json: () => fields.json(),
};

export type ManagedCertificateSpec = Fields;

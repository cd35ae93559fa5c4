import { Type, type Static } from '@sinclair/typebox';
import { parseDuration } from '../../duration.js';
import type { FieldPath, FieldProblem } from '../../schema/validator.js';
import {
  absolutePath,
  choice,
  closed,
  duration,
  fileMode,
  integer,
  list,
  name,
  reloadCommand,
  text,
} from '../fields.js';
import { execDestinationSchema, webhookDestinationSchema } from './delivery-destinations.js';

export const KEY_ALGORITHMS = ['ECDSA', 'RSA', 'Ed25519'] as const;
export const ROTATION_POLICIES = ['Always', 'Never'] as const;

/** The key sizes each algorithm takes (the first is the default); Ed25519 has none. */
export const KEY_SIZES: Record<(typeof KEY_ALGORITHMS)[number], readonly number[]> = {
  ECDSA: [256, 384],
  RSA: [2048, 3072, 4096],
  Ed25519: [],
};

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const fileDestination = closed(
  {
    certificate: absolutePath('The leaf certificate alone (PEM).'),
    chain: Type.Optional(absolutePath('The certificates above the leaf, nearest first (PEM).')),
    fullchain: Type.Optional(
      absolutePath('The leaf followed by its chain (PEM), as nginx ssl_certificate takes it.'),
    ),
    privateKey: absolutePath('The private key (PKCS#8 PEM).'),
    mode: Type.Optional(
      fileMode('Mode of every file written (default: 0644 for certificates, 0600 for the key).'),
    ),
    reload: Type.Optional(reloadCommand()),
  },
  { description: 'Files written atomically; the previous ones kept as NAME.previous for rollback.' },
);

const execDestination = execDestinationSchema({
  command:
    'Program and arguments, run without a shell; the paths of the revision files are in its environment (CUSTOS_CERTIFICATE_FILE, ...).',
  description:
    'A command that installs the revision (appliances, scripts); its exit code decides, its output is audited. At teardown it runs again with CUSTOS_ACTION=remove.',
});

const webhookDestination = webhookDestinationSchema(
  'POSTs the revision (certificate, chain and key, JSON) to an endpoint that installs it; any 2xx is success, anything else is retried with backoff. http:// only to a loopback address.',
);

/** One destination: exactly one of its kinds. */
const destination = closed(
  {
    file: Type.Optional(fileDestination),
    exec: Type.Optional(execDestination),
    webhook: Type.Optional(webhookDestination),
  },
  { minProperties: 1, maxProperties: 1, description: 'Exactly one of file, exec, webhook.' },
);

/**
 * ManagedCertificate: the lifecycle unit (cert-manager's Certificate). The reconciler issues a revision through
 * `issuerRef`, deploys it to every destination, and is Ready only when every `verify` endpoint serves it. The
 * checks across fields are in managedCertificateProblems.
 */
export const managedCertificateSpec = closed({
  identity: Type.Optional(name('The Identity the certificate is for.')),
  commonName: Type.Optional(text({ description: 'Subject common name.' })),
  dnsNames: Type.Optional(
    list(text({ pattern: DNS_NAME, expected: 'a lower-case DNS name (a leading *. allowed)' })),
  ),
  ipAddresses: Type.Optional(list(text({ format: 'ip-address' }))),
  uris: Type.Optional(list(text({ format: 'uri' }))),
  duration: duration('Lifetime of each revision.'),
  renewBefore: Type.Optional(duration('Renew this long before expiry (default: at 2/3 of the lifetime).')),
  supersededGracePeriod: Type.Optional(
    duration(
      'How long a superseded revision may still be served before it is a superseded-still-served finding (default 1h).',
    ),
  ),
  issuerRef: closed({ name: name('The issuer: a CA of the built-in CA (`default`), later ACME.') }),
  privateKey: Type.Optional(
    closed({
      algorithm: choice(KEY_ALGORITHMS, 'Key algorithm (default ECDSA).'),
      size: Type.Optional(integer(256, 4096, 'ECDSA 256|384, RSA 2048|3072|4096.')),
      rotationPolicy: Type.Optional(
        choice(ROTATION_POLICIES, 'Always (default): a new key for every revision.'),
      ),
    }),
  ),
  destinations: Type.Optional(list(destination, { description: 'Where revisions go.' })),
  verify: Type.Optional(
    list(
      closed({
        host: text({ description: 'Host name or IP address to connect to.' }),
        port: integer(1, 65535),
        sni: Type.Optional(text({ description: 'Server name sent (default: host, unless an IP address).' })),
        starttls: Type.Optional(choice(['smtp', 'postgres'] as const, 'Plain-text upgrade before TLS.')),
      }),
    ),
  ),
});

export type ManagedCertificateSpec = Static<typeof managedCertificateSpec>;

/**
 * The checks across the fields of a valid spec: something to certify, a key size the algorithm takes, renewBefore
 * within the lifetime.
 */
export function managedCertificateProblems(spec: ManagedCertificateSpec, path: FieldPath): FieldProblem[] {
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

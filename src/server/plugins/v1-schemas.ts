/**
 * The TypeBox schemas the /v1 routes share: the certificate as `inventory list --json` prints it, findings,
 * declarative objects and audit records. Response schemas name every field the CLI's JSON carries (the serializer
 * drops what a schema leaves out), so the API and `--json` cannot answer differently.
 */
import { Type } from '@sinclair/typebox';
import { SEVERITIES } from '../../core/findings/finding.js';
import { documentSchema, KINDS } from '../../core/declarative/objects.js';

const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const SeveritySchema = Type.Union(
  SEVERITIES.map((s) => Type.Literal(s)),
  { description: 'info < low < medium < high < critical' },
);

export const FindingSchema = Type.Object(
  {
    code: Type.String({ description: 'The stable finding code (docs/lint.md, policy codes)' }),
    severity: SeveritySchema,
    message: Type.String(),
    waivedBy: Type.Optional(Type.String({ description: 'The exception that waives it' })),
  },
  { $id: 'Finding', title: 'Finding' },
);

/** A location with when the certificate was seen there; its fields depend on `kind` (file, tls, k8s-secret, ...). */
export const LocationSchema = Type.Object(
  {
    kind: Type.String({ description: 'file | tls | k8s-secret | agent | issued' }),
    firstSeen: Type.String({ format: 'date-time' }),
    lastSeen: Type.String({ format: 'date-time' }),
    endedAt: Type.Optional(Type.String({ format: 'date-time' })),
    endReason: Type.Optional(
      Type.String({ description: 'Why the sighting ended: replaced, gone, unreachable: ..., forgotten' }),
    ),
    unreachableSince: Type.Optional(
      Type.String({ format: 'date-time', description: 'A TLS location failing its probes since then' }),
    ),
    pairedWith: Type.Optional(
      Type.Array(
        Type.Object({
          certificatePath: Type.String(),
          layout: Type.String({ description: 'same-stem | certbot | nginx | apache' }),
          source: Type.Optional(Type.String({ description: 'The configuration file that pairs them' })),
        }),
        {
          description: 'A key file: the certificate files it belongs to by layout (docs/cli.md, scan files)',
        },
      ),
    ),
  },
  {
    $id: 'Location',
    title: 'Location',
    additionalProperties: true,
    description: 'path (file); host, port, sni, address (tls); cluster, namespace, name (k8s-secret); ...',
  },
);

const certificateFields = {
  fingerprintSha256: Type.String({ description: 'SHA-256 of the DER, lower-case hex' }),
  serialNumber: Type.String(),
  subject: Type.String(),
  issuer: Type.String(),
  subjectAltNames: Type.Array(Type.String()),
  notBefore: Type.String({ format: 'date-time' }),
  notAfter: Type.String({ format: 'date-time' }),
  keyAlgorithm: Type.String(),
  keySize: Type.Union([Type.Integer(), Type.Null()]),
  signatureAlgorithm: Type.String(),
  isCA: Type.Boolean(),
  selfSigned: Type.Boolean(),
  spiffeId: nullable(Type.String()),
  locations: Type.Array(Type.Ref('Location')),
  keyLocations: Type.Array(Type.Ref('Location')),
  findings: Type.Array(Type.Ref('Finding')),
  owner: nullable(Type.String()),
  identity: nullable(Type.String()),
  retiredAt: nullable(
    Type.String({
      format: 'date-time',
      description: 'When its last sighting ended (includeRetired); else null',
    }),
  ),
};

/** One certificate, exactly as `custos inventory list --json` prints it. */
export const CertificateSchema = Type.Object(certificateFields, { $id: 'Certificate', title: 'Certificate' });

/**
 * The declarative kinds' documents, one component per kind named after it (`Type.Ref('Owner')`): the very TypeBox
 * schemas `custos apply -f` validates with (core/declarative/objects.ts), so the API, the CLI and the docs cannot
 * validate differently.
 */
export const DOCUMENT_SCHEMAS = KINDS.map(documentSchema);

/** A declarative object of any kind, as `custos get KIND -o json` prints it. */
export const DeclarativeObjectSchema = Type.Union(
  KINDS.map((k) => Type.Ref(k)),
  { $id: 'DeclarativeObject', title: 'DeclarativeObject' },
);

export const AuditRecordSchema = Type.Object(
  {
    seq: Type.Integer(),
    type: Type.String(),
    actor: Type.String(),
    subject: Type.String(),
    at: Type.String({ format: 'date-time' }),
    data: Type.Object({}, { additionalProperties: true }),
    prevHash: Type.String(),
    hash: Type.String(),
    mac: nullable(Type.String()),
  },
  { $id: 'AuditRecord', title: 'AuditRecord' },
);

const ConditionSchema = Type.Object({
  type: Type.String(),
  status: Type.String(),
  reason: Type.String(),
  message: Type.String(),
  lastTransitionTime: Type.String({ format: 'date-time' }),
});

/** `GET /v1/certificates/{fingerprint}`: the listing's fields and the certificate page's. */
export const CertificateDetailSchema = Type.Object(
  {
    ...certificateFields,
    fingerprintSha1: Type.String({ description: 'SHA-1 of the DER, lower-case hex without colons' }),
    extensions: Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          'keyUsage, extendedKeyUsage, basicConstraints, authorityInfoAccess, crlDistributionPoints, subjectKeyIdentifier, authorityKeyIdentifier: each null when absent, else {critical, ...its value} or {critical, malformed}',
      },
    ),
    pem: Type.String({ description: 'The stored certificate as one PEM block' }),
    chain: Type.Array(
      Type.Object({
        fingerprintSha256: Type.String(),
        subject: Type.String(),
        notAfter: Type.String({ format: 'date-time' }),
      }),
      { description: 'The issuers above it, nearest first, as far as the inventory holds them' },
    ),
    sightings: Type.Array(
      Type.Object(
        {
          kind: Type.String(),
          firstSeen: Type.String({ format: 'date-time' }),
          lastSeen: Type.String({ format: 'date-time' }),
          endedAt: nullable(Type.String({ format: 'date-time' })),
        },
        { additionalProperties: true },
      ),
      { description: 'Every sighting, open (endedAt null) and ended' },
    ),
    ownerDetail: Type.Union([Type.Ref('Owner'), Type.Null()], {
      description: 'The Owner object: contacts and escalation path',
    }),
    managed: Type.Union([
      Type.Object({
        name: Type.String(),
        conditions: Type.Array(ConditionSchema),
        revision: Type.Union([Type.Integer(), Type.Null()]),
        fingerprintSha256: nullable(Type.String()),
        staleEndpoints: Type.Array(Type.Object({}, { additionalProperties: true })),
      }),
      Type.Null(),
    ]),
    audit: Type.Array(Type.Ref('AuditRecord'), { description: 'The newest 100 audit records about it' }),
  },
  { title: 'CertificateDetail' },
);

/** Adds the shared schemas (referenced as `Type.Ref('Certificate')` etc.) to the app. */
export function sharedSchemas() {
  return [
    FindingSchema,
    LocationSchema,
    CertificateSchema,
    ...DOCUMENT_SCHEMAS,
    DeclarativeObjectSchema,
    AuditRecordSchema,
  ];
}

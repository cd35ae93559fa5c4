/** The response schemas of the `/v1` CA routes: the shapes `custos ca show --json`, `cert issue` and `cert revoke --json` print. */
import { Type } from '@sinclair/typebox';

/** A value or null (TypeBox's union, as OpenAPI 3.0 reads it). */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const AuthorityCertificate = Type.Object({
  subject: Type.String(),
  issuer: Type.String(),
  serialNumber: Type.String(),
  notBefore: Type.String({ format: 'date-time' }),
  notAfter: Type.String({ format: 'date-time' }),
  fingerprintSha256: Type.String(),
});

export const AuthorityViewSchema = Type.Object(
  {
    name: Type.String(),
    status: Type.String({ description: 'pending, active, next, retiring or retired' }),
    keyType: Type.String(),
    backend: Type.String({ description: 'Where the key is held: software or pkcs11' }),
    subject: Nullable(Type.String()),
    notAfter: Nullable(Type.String({ format: 'date-time' })),
    fingerprintSha256: Nullable(Type.String()),
    certificates: Type.Array(AuthorityCertificate, {
      description: 'The issuing certificate, then its chain up to the root',
    }),
    csrPem: Nullable(Type.String({ description: "A pending CA's CSR" })),
    signsFrom: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'CertificateAuthority' },
);

export const IssuedSchema = Type.Object(
  {
    fingerprintSha256: Type.String(),
    serialNumber: Type.String(),
    notBefore: Type.String({ format: 'date-time' }),
    notAfter: Type.String({ format: 'date-time' }),
    ca: Type.String(),
    identity: Nullable(Type.String()),
    certificate: Type.String({ description: 'The certificate, PEM' }),
    chain: Type.String({ description: 'The CA certificates above it without the root, PEM (may be empty)' }),
    fullchain: Type.String({ description: 'The certificate and the chain, PEM' }),
    privateKey: Type.Optional(
      Type.String({ description: 'With generateKey only: the key, PKCS#8 PEM, in this answer only' }),
    ),
  },
  { title: 'IssuedCertificate' },
);

export const RevokedSchema = Type.Object(
  {
    fingerprintSha256: Type.String(),
    serialNumber: Type.String(),
    ca: Type.String(),
    revoked: Type.Boolean({ description: 'False when it was revoked before (nothing changed)' }),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
    reason: Nullable(Type.String()),
    crlNumber: Nullable(Type.Integer()),
    managed: Nullable(
      Type.Object(
        {
          name: Type.String(),
          revision: Type.Integer(),
          revokeAfterReplacement: Type.Boolean({
            description: 'True: a keyCompromise of a deployed revision waits for its replacement to be live',
          }),
          destinations: Type.Array(Type.String()),
          endpoints: Type.Array(Type.String()),
        },
        { description: 'The managed revision revoked (or to be revoked after its replacement), else null' },
      ),
    ),
  },
  { title: 'Revocation' },
);

/** A CA name (lower-case letters, digits, dashes; `--rN` marks a generation `ca rotate` made). */
export const CaNameSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });

export const PublishedCrlSchema = Type.Object(
  {
    ca: Type.String(),
    crlNumber: Type.Integer(),
    thisUpdate: Type.String({ format: 'date-time' }),
    nextUpdate: Type.String({ format: 'date-time' }),
    file: Type.String({ description: 'Where the server wrote it (DER): <data-dir>/crl/<ca>.crl' }),
    pem: Type.String({ description: 'The CRL, PEM' }),
  },
  { title: 'PublishedCrl' },
);

export const RotateReportSchema = Type.Object(
  {
    rotated: Nullable(AuthorityViewSchema),
    applied: Type.Array(
      Type.Object(
        { kind: Type.String({ description: 'activate or retire' }), name: Type.String() },
        { additionalProperties: true },
      ),
      { description: 'The status changes written now' },
    ),
    generations: Type.Array(AuthorityViewSchema, { description: 'Every generation of the CA, oldest first' }),
  },
  { title: 'CaRotation' },
);

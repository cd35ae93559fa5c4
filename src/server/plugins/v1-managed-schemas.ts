/** The shapes of the `/v1/managed` routes: the ManagedCertificate document and what `custos managed ... --json` prints. */
import { Type } from '@sinclair/typebox';
import { Nullable } from './v1-ca-schemas.js';

export const AppliedSchema = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  change: Type.String({ description: 'created, configured or unchanged' }),
  generation: Type.Integer(),
});

export const ManagedListItemSchema = Type.Object({
  name: Type.String(),
  ready: Type.String({ description: 'True, False or Unknown' }),
  reason: Type.String(),
  revision: Nullable(Type.Integer()),
  fingerprintSha256: Nullable(Type.String()),
  renewalTime: Nullable(Type.String({ format: 'date-time' })),
  nextRetry: Nullable(Type.String({ format: 'date-time' })),
  issuer: Type.String(),
});

export const ManagedStatusSchema = Type.Object(
  {
    conditions: Type.Array(
      Type.Object({
        type: Type.String(),
        status: Type.String(),
        reason: Type.String(),
        message: Type.String(),
        lastTransitionTime: Type.String({ format: 'date-time' }),
      }),
    ),
    revision: Nullable(Type.Integer()),
    fingerprintSha256: Nullable(Type.String()),
    staleEndpoints: Type.Array(
      Type.Object({
        host: Type.String(),
        port: Type.Integer(),
        sni: Nullable(Type.String()),
        servedFingerprint: Nullable(Type.String()),
      }),
    ),
  },
  { title: 'ManagedStatus' },
);

export const RollbackSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  fingerprintSha256: Type.String(),
});

export const DeletedSchema = Type.Object({
  name: Type.String(),
  revoked: Type.Array(Type.String()),
  destinations: Type.Array(
    Type.Object({
      target: Type.String(),
      ok: Type.Boolean(),
      files: Type.Array(Type.String()),
      error: Nullable(Type.String()),
    }),
  ),
  stillServed: Type.Array(
    Type.Object({
      host: Type.String(),
      port: Type.Integer(),
      sni: Nullable(Type.String()),
      revision: Type.Integer(),
      servedFingerprint: Type.String(),
    }),
  ),
});

/** The body of `POST /v1/managed/adopt`: the flags of `custos managed adopt`. */
export const AdoptSchema = Type.Object(
  {
    fingerprint: Type.String({
      pattern: '^[0-9A-Fa-f:]{4,95}$',
      description: 'A fingerprint or a unique prefix',
    }),
    issuer: Type.String({ minLength: 1, description: 'issuerRef.name, e.g. default' }),
    name: Type.Optional(Type.String({ description: 'Default: from its first DNS name' })),
    identity: Type.Optional(Type.String()),
    duration: Type.Optional(Type.String({ description: "Default: the certificate's own lifetime" })),
    destinations: Type.Optional(
      Type.Array(
        Type.Object(
          {
            certificate: Type.String({ minLength: 1 }),
            privateKey: Type.String({ minLength: 1 }),
            fullchain: Type.Optional(Type.String({ minLength: 1 })),
          },
          { additionalProperties: false },
        ),
        { description: 'Default: the files where it lies beside its private key' },
      ),
    ),
    reload: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Program and arguments' })),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'ManagedAdopt' },
);

export const AdoptedSchema = Type.Object(
  {
    name: Type.String(),
    fingerprintSha256: Type.String(),
    manifest: Type.String({ description: 'The ManagedCertificate applied, as YAML' }),
    apply: Type.Object({
      dryRun: Type.Boolean(),
      objects: Type.Array(AppliedSchema),
      ownerChanges: Type.Array(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { title: 'ManagedAdopted' },
);

export const ReconcileReportSchema = Type.Object(
  {
    managed: Type.Array(
      Type.Object({
        name: Type.String(),
        state: Type.String({ description: 'What this run did with it, or settled' }),
        ready: Type.String({ description: 'True, False or Unknown' }),
        reason: Type.String(),
        revision: Type.Union([Type.Integer(), Type.Null()]),
        nextRunAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      }),
    ),
    bundles: Type.Array(
      Type.Object({
        name: Type.String({ description: 'The TrustBundle' }),
        state: Type.Union(
          ['deployed', 'unchanged', 'empty', 'failed'].map((state) => Type.Literal(state)),
          { description: 'deployed: some destination written; unchanged: all held it; empty: no CA yet' },
        ),
        sha256: Type.Union([Type.String({ description: 'SHA-256 of the bundle PEM text' }), Type.Null()]),
        certificates: Type.Integer({ description: 'Certificates in the bundle' }),
        destinations: Type.Array(
          Type.Object({
            target: Type.String(),
            ok: Type.Boolean(),
            changed: Type.Boolean(),
            error: Type.Union([Type.String(), Type.Null()]),
          }),
        ),
        error: Type.Union([Type.String(), Type.Null()]),
      }),
      { description: 'The trust bundles delivered, or found unchanged, in this run' },
    ),
    jobs: Type.Object({
      completed: Type.Integer(),
      retried: Type.Integer(),
      failed: Type.Integer(),
      lost: Type.Integer(),
    }),
  },
  { title: 'ReconcileReport', description: 'As `custos managed reconcile --json` prints it' },
);

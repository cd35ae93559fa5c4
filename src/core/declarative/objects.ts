import { exceptionSpec, type ExceptionSpec } from './kinds/exception.js';
import { identitySpec, type IdentitySpec } from './kinds/identity.js';
import { managedCertificateSpec, type ManagedCertificateSpec } from './kinds/managed-certificate.js';
import { ownerSpec, type OwnerSpec } from './kinds/owner.js';
import { ownershipRuleSpec, type OwnershipRuleSpec } from './kinds/ownership-rule.js';
import { policySpec, type PolicySpec } from './kinds/policy.js';
import { trustBundleSpec, type TrustBundleSpec } from './kinds/trust-bundle.js';
import { Type, type TSchema } from '@sinclair/typebox';
import { closed, name, text } from './fields.js';

export const API_VERSION = 'custos/v1';

/** The spec type of each kind. */
export interface SpecOfKind {
  Owner: OwnerSpec;
  Identity: IdentitySpec;
  OwnershipRule: OwnershipRuleSpec;
  Policy: PolicySpec;
  Exception: ExceptionSpec;
  ManagedCertificate: ManagedCertificateSpec;
  TrustBundle: TrustBundleSpec;
}

export type Kind = keyof SpecOfKind;

/** One schema per kind: the single source of validation (and of the JSON Schema the API publishes). */
export const SPEC_SCHEMAS = {
  Owner: ownerSpec,
  Identity: identitySpec,
  OwnershipRule: ownershipRuleSpec,
  Policy: policySpec,
  Exception: exceptionSpec,
  ManagedCertificate: managedCertificateSpec,
  TrustBundle: trustBundleSpec,
} satisfies { [K in Kind]: TSchema };

export const KINDS = Object.keys(SPEC_SCHEMAS) as Kind[];

export const metadataSchema = closed({
  name: name('The object name, unique per kind.'),
  labels: Type.Optional(Type.Record(Type.String(), text())),
  annotations: Type.Optional(Type.Record(Type.String(), text())),
});

/**
 * The whole document of one kind (apiVersion, kind, metadata, spec) with the kind's own metadata and spec schemas:
 * what the API documents (components.schemas.<Kind> of /openapi.json) and answers for objects of that kind.
 */
export const documentSchema = <K extends Kind>(kind: K) =>
  closed(
    {
      apiVersion: Type.Literal(API_VERSION),
      kind: Type.Literal(kind),
      metadata: metadataSchema,
      spec: SPEC_SCHEMAS[kind],
    },
    {
      $id: kind,
      title: kind,
      description: `The ${kind} document, as \`custos apply -f\` reads it (docs/declarative.md).`,
    },
  );

export interface ObjectMetadata {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A declarative object as written in YAML (and as `get -o yaml` prints it). */
export interface DeclarativeObject<K extends Kind = Kind> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: ObjectMetadata;
  spec: SpecOfKind[K];
}

export type AnyDeclarativeObject = { [K in Kind]: DeclarativeObject<K> }[Kind];

export type OwnerObject = DeclarativeObject<'Owner'>;
export type IdentityObject = DeclarativeObject<'Identity'>;
export type OwnershipRuleObject = DeclarativeObject<'OwnershipRule'>;
export type PolicyObject = DeclarativeObject<'Policy'>;
export type ExceptionObject = DeclarativeObject<'Exception'>;
export type ManagedCertificateObject = DeclarativeObject<'ManagedCertificate'>;
export type TrustBundleObject = DeclarativeObject<'TrustBundle'>;

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as string[]).includes(value);
}

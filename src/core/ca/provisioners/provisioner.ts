import type { KeyType } from '../../ports/key-manager.js';
import type { ProvisionerGrant } from '../issuance-request.js';

/** The kinds of provisioner `custos.yaml` configures (the `cli` grant of a local operator needs none). */
export const PROVISIONER_TYPES = ['bootstrap', 'oidc', 'kubernetes', 'mtls'] as const;
export type ProvisionerType = (typeof PROVISIONER_TYPES)[number];

/** What a provisioner's grants may ask for (the ProvisionerGrant's limits). */
export type ProvisionerLimits = NonNullable<ProvisionerGrant['limits']>;

interface ProvisionerBase {
  name: string;
  limits: ProvisionerLimits;
}

/** Where a JWT provisioner's signing keys (a JWK Set) come from: fetched from a URL, or read from a file. */
export type JwksLocation = { uri: string } | { file: string };

/** One-time bootstrap tokens made by `custos token bootstrap`. */
export interface BootstrapProvisioner extends ProvisionerBase {
  type: 'bootstrap';
}

/** JWTs of an OIDC issuer, or Kubernetes service-account tokens, verified against the issuer's JWKS. */
export interface JwtProvisioner extends ProvisionerBase {
  type: 'oidc' | 'kubernetes';
  /** The `iss` a token must carry. */
  issuer: string;
  /** The `aud` a token must carry (one of its audiences). */
  audience: string;
  jwks: JwksLocation;
  /** OIDC only: the claims whose values become the only names a token may ask for (within `limits.names`). */
  claimsToNames: readonly string[];
}

/** Renewal by the workload itself with the client certificate of a still-valid earlier revision. */
export interface MtlsProvisioner extends ProvisionerBase {
  type: 'mtls';
  /** Only certificates this CA issued (default: any CA of the built-in CA). */
  authority: string | null;
}

export type Provisioner = BootstrapProvisioner | JwtProvisioner | MtlsProvisioner;

/** The provisioner that exists when custos.yaml names none of that name: bootstrap tokens with no limits. */
export const DEFAULT_BOOTSTRAP_PROVISIONER: BootstrapProvisioner = {
  name: 'bootstrap',
  type: 'bootstrap',
  limits: {},
};

/** The configured provisioners plus the default `bootstrap` one unless a provisioner of that name is configured. */
export function withDefaultProvisioners(configured: readonly Provisioner[]): Provisioner[] {
  return configured.some((p) => p.name === DEFAULT_BOOTSTRAP_PROVISIONER.name)
    ? [...configured]
    : [DEFAULT_BOOTSTRAP_PROVISIONER, ...configured];
}

/** The limits as a grant carries them: absent when the provisioner sets none. */
export function grantLimits(limits: ProvisionerLimits): ProvisionerGrant['limits'] {
  const out: ProvisionerLimits = {};
  if (limits.names !== undefined) out.names = [...limits.names];
  if (limits.keyTypes !== undefined) out.keyTypes = [...limits.keyTypes];
  if (limits.maxTtlMs !== undefined) out.maxTtlMs = limits.maxTtlMs;
  return Object.keys(out).length === 0 ? undefined : out;
}

export type { KeyType };

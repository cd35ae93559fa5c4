/**
 * A JWT provisioner's decision: an OIDC ID token or a Kubernetes service-account token, verified with jose against
 * the issuer's JWK Set (brought in through the JwksSource port: core does no I/O). Checked: the signature with an
 * allowed asymmetric algorithm (never `none` or HS*, whose key would be a shared secret), `iss`, `aud`, `exp`
 * (required) and `nbf` at the Clock's now. The claims it carried become `request.claims` for the policies.
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { DomainError } from '../../errors.js';
import type { Clock } from '../../ports/clock.js';
import type { JwksSource } from '../../ports/jwks-source.js';
import { compileGlob } from '../../ownership/glob.js';
import type { ProvisionerGrant } from '../issuance-request.js';
import { grantLimits, type JwtProvisioner } from './provisioner.js';

/** Asymmetric signature algorithms only (RFC 7518 §3.1, RFC 8037): the issuer's public keys verify them. */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** Clock skew allowed on exp and nbf. */
const CLOCK_TOLERANCE_S = 30;
/** A JWT longer than this is refused before it is parsed (Kubernetes tokens are about 1 KB). */
const MAX_TOKEN_LENGTH = 16_384;

export interface VerifyJwtDependencies {
  jwks: JwksSource;
  clock: Clock;
}

const invalid = (provisioner: string, reason: string, cause?: unknown): DomainError =>
  new DomainError('CUSTOS_TOKEN_INVALID', `The JWT for the provisioner "${provisioner}" ${reason}.`, {
    cause,
    hint: 'get a fresh token from the issuer, for the audience the provisioner expects',
  });

/** Why jose refused a token, in words a workload's operator can act on. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'has expired (exp)';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `has a ${error.claim} claim that is not accepted: ${error.reason}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return "is signed by no key of the issuer's JWKS";
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "has a signature that does not verify with the issuer's keys";
  if (error instanceof errors.JOSENotSupported) return 'uses an algorithm or key Custos does not support';
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return 'is not a valid JWT';
  if (error instanceof errors.JWKSInvalid) return "cannot be checked: the issuer's JWKS is not a JWK Set";
  return 'does not verify';
}

const audiences = (aud: JWTPayload['aud']): string[] =>
  aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];

/** The claims a Kubernetes service-account token carries in `kubernetes.io` (TokenRequest API). */
function kubernetesClaims(provisioner: string, payload: JWTPayload): Record<string, unknown> {
  const k8s = payload['kubernetes.io'] as
    { namespace?: unknown; serviceaccount?: { name?: unknown }; pod?: { name?: unknown } } | undefined;
  const namespace = k8s?.namespace;
  const serviceAccount = k8s?.serviceaccount?.name;
  if (typeof namespace !== 'string' || typeof serviceAccount !== 'string')
    throw invalid(provisioner, 'has no kubernetes.io claim naming a namespace and a service account');
  const claims: Record<string, unknown> = {
    iss: payload.iss,
    sub: payload.sub,
    aud: audiences(payload.aud),
    namespace,
    serviceAccount,
  };
  if (typeof k8s?.pod?.name === 'string') claims.pod = k8s.pod.name;
  return claims;
}

/** OIDC `claimsToNames`: the names the token may ask for are the values of these claims, within limits.names. */
function namesFromClaims(provisioner: JwtProvisioner, payload: JWTPayload): string[] {
  const values = provisioner.claimsToNames.flatMap((claim) => {
    const value = payload[claim];
    return typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.filter((v) => typeof v === 'string')
        : [];
  });
  const within =
    provisioner.limits.names === undefined
      ? () => true
      : (name: string) => provisioner.limits.names!.some((glob) => compileGlob(glob, 'name')(name));
  // A claim's value is one name, never a pattern: a `*` in it would widen what the token may ask for.
  const names = [...new Set(values)].filter((v) => v !== '' && !v.includes('*') && within(v));
  if (names.length === 0)
    throw invalid(
      provisioner.name,
      `carries no name in ${provisioner.claimsToNames.join(', ')} that the provisioner's names allow`,
    );
  return names;
}

export async function verifyProvisionerJwt(
  deps: VerifyJwtDependencies,
  provisioner: JwtProvisioner,
  token: string,
): Promise<ProvisionerGrant> {
  if (token.length > MAX_TOKEN_LENGTH) throw invalid(provisioner.name, 'is too long to be a JWT');
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch (error) {
    throw invalid(provisioner.name, 'is not a JWT (three base64url parts)', error);
  }
  if (typeof alg !== 'string' || !(JWT_ALGORITHMS as readonly string[]).includes(alg))
    throw invalid(
      provisioner.name,
      `is signed with ${typeof alg === 'string' ? `alg ${alg}` : 'no alg'}, which is not allowed (allowed: ${JWT_ALGORITHMS.join(', ')})`,
    );

  const verify = async (refresh: boolean) => {
    const keys = await deps.jwks.keys(provisioner.jwks, { refresh });
    return jwtVerify(token, createLocalJWKSet({ keys: [...keys.keys] as never }), {
      issuer: provisioner.issuer,
      audience: provisioner.audience,
      algorithms: [...JWT_ALGORITHMS],
      currentDate: deps.clock.now(),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['exp'],
    });
  };
  let payload: JWTPayload;
  try {
    try {
      ({ payload } = await verify(false));
    } catch (error) {
      // The issuer may have rotated its keys since the set was cached: ask past the cache once.
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      ({ payload } = await verify(true));
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalid(provisioner.name, reasonOf(error), error);
  }

  const claims =
    provisioner.type === 'kubernetes'
      ? kubernetesClaims(provisioner.name, payload)
      : { ...payload, aud: audiences(payload.aud) };
  const limits = grantLimits(provisioner.limits) ?? {};
  if (provisioner.type === 'oidc' && provisioner.claimsToNames.length > 0)
    limits.names = namesFromClaims(provisioner, payload);
  return {
    name: provisioner.name,
    kind: provisioner.type,
    claims,
    ...(Object.keys(limits).length === 0 ? {} : { limits }),
  };
}

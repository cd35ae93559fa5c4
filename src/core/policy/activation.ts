import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import type { IdentityObject, OwnerObject } from '../declarative/objects.js';
import type { Location } from '../inventory/location.js';
import { CelCertificate, CelRequest, CelRequestKey, celDuration } from './cel-environment.js';

/** The variables of one evaluation, as CEL values. */
export type Activation = Record<string, unknown>;

export type PolicyCertificate = Pick<
  ParsedCertificate,
  | 'fingerprintSha256'
  | 'serialNumber'
  | 'subject'
  | 'issuer'
  | 'subjectAltNames'
  | 'notBefore'
  | 'notAfter'
  | 'keyAlgorithm'
  | 'keySize'
  | 'signatureAlgorithm'
  | 'isCA'
  | 'selfSigned'
  | 'spiffeId'
>;

/** A location where the certificate is installed, with when it was seen there. */
export interface PolicyLocation {
  location: Location;
  firstSeen: Date;
  lastSeen: Date;
}

export function celCertificate(c: PolicyCertificate): CelCertificate {
  const san = c.subjectAltNames;
  return new CelCertificate(
    c.fingerprintSha256,
    c.serialNumber,
    c.subject,
    c.issuer,
    [...san.dns, ...san.ip, ...san.uri, ...san.email],
    c.notBefore,
    c.notAfter,
    c.keyAlgorithm,
    c.keySize === null ? null : BigInt(c.keySize),
    c.signatureAlgorithm,
    c.isCA,
    c.selfSigned,
    c.spiffeId,
  );
}

/** A location as a CEL map: the fields of `inventory list --json` (integers as CEL ints, times as timestamps). */
function celLocation(l: PolicyLocation): Record<string, unknown> {
  const map: Record<string, unknown> = { ...l.location, firstSeen: l.firstSeen, lastSeen: l.lastSeen };
  if (l.location.kind === 'tls') map.port = BigInt(l.location.port);
  return map;
}

const owners = new Map<string, Readonly<Record<string, unknown>>>();

/** An owner as a CEL map {name}; one frozen map per name, shared by every activation. */
export function celOwner(owner: OwnerObject | string | null): Readonly<Record<string, unknown>> | null {
  if (owner === null) return null;
  const name = typeof owner === 'string' ? owner : owner.metadata.name;
  let map = owners.get(name);
  if (map === undefined) {
    map = Object.freeze({ name });
    if (owners.size < 10_000) owners.set(name, map);
  }
  return map;
}

const identities = new WeakMap<IdentityObject, Readonly<Record<string, unknown>>>();

/**
 * An identity as a CEL map. `environment` is the spec's, else the label `env` or `environment`, else '' (so that
 * `identity.environment in [...]` never needs a null check); `labels` is always a map.
 */
export function celIdentity(identity: IdentityObject | null): Readonly<Record<string, unknown>> | null {
  if (identity === null) return null;
  const cached = identities.get(identity);
  if (cached) return cached;
  const labels = identity.spec.labels ?? {};
  const map = Object.freeze({
    name: identity.metadata.name,
    kind: identity.spec.kind,
    environment: identity.spec.environment ?? labels.env ?? labels.environment ?? '',
    spiffeId: identity.spec.spiffeId ?? null,
    labels,
    owner: identity.spec.owner,
  });
  identities.set(identity, map);
  return map;
}

const NO_LOCATIONS: readonly unknown[] = Object.freeze([]);

export interface ComplianceSubject {
  certificate: PolicyCertificate;
  locations: readonly PolicyLocation[];
  owner: OwnerObject | string | null;
  identity: IdentityObject | null;
  now: Date;
}

export function complianceActivation(subject: ComplianceSubject): Activation {
  return {
    certificate: celCertificate(subject.certificate),
    locations: subject.locations.length === 0 ? NO_LOCATIONS : subject.locations.map(celLocation),
    owner: celOwner(subject.owner),
    identity: celIdentity(subject.identity),
    now: subject.now,
  };
}

/** What an issuance policy judges: the request, before any certificate exists. */
export interface IssuanceRequest {
  /** Every requested SAN: the DNS names, IP addresses and URIs. */
  names: string[];
  key: { algorithm: string; size: number | null };
  validityMs: number;
  /** Who asked: the provisioner's name (`cli`, a token's, an OIDC issuer's, ...). */
  requester: string;
  commonName: string | null;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  /** `keyTypeName` of the key. */
  keyType: string;
  /** The name of the Identity asked for, or null. */
  identity: string | null;
  claims: Readonly<Record<string, unknown>>;
}

/** A key as `ca init --key-type` and provisioner limits name it: `rsa-2048`, `ec-p256`, `ed25519`, ... */
export function keyTypeName(key: { algorithm: string; size: number | null; curve: string | null }): string {
  if (key.algorithm === 'RSA' && key.size !== null) return `rsa-${key.size}`;
  if (key.algorithm === 'ECDSA' && key.curve !== null && /^P-\d+$/.test(key.curve))
    return `ec-p${key.curve.slice(2)}`;
  if (key.algorithm === 'Ed25519' || key.algorithm === 'Ed448') return key.algorithm.toLowerCase();
  return 'unknown';
}

/** JSON claims as CEL values: whole numbers become ints (`request.claims.exp > 0`), depth and size bounded. */
function celClaims(value: unknown, depth = 0): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (depth >= 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => celClaims(item, depth + 1));
  const map: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) map[key] = celClaims(field, depth + 1);
  return map;
}

export function issuanceActivation(input: {
  request: IssuanceRequest;
  owner: OwnerObject | string | null;
  identity: IdentityObject | null;
  now: Date;
}): Activation {
  const { request } = input;
  return {
    request: new CelRequest(
      request.names,
      new CelRequestKey(request.key.algorithm, request.key.size === null ? null : BigInt(request.key.size)),
      celDuration(request.validityMs),
      request.requester,
      request.commonName,
      request.dnsNames,
      request.ipAddresses,
      request.uris,
      request.keyType,
      BigInt(Math.floor(request.validityMs / 1000)),
      request.identity,
      celClaims(request.claims) as Record<string, unknown>,
    ),
    owner: celOwner(input.owner),
    identity: celIdentity(input.identity),
    now: input.now,
  };
}

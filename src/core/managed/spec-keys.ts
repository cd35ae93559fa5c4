import { canonicalJson } from '../audit/canonical-json.js';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { parseIpAddress } from '../../pki/ip-address.js';

/**
 * What a revision is issued for: the names, the key and the issuer (cert-manager re-issues when these change, not
 * when destinations or endpoints do). Canonical JSON, so the order of keys in the YAML does not matter.
 */
export function issuedFor(spec: ManagedCertificateSpec): string {
  return canonicalJson({
    commonName: spec.commonName ?? null,
    dnsNames: [...(spec.dnsNames ?? [])].sort(),
    ipAddresses: [...(spec.ipAddresses ?? [])].sort(),
    uris: [...(spec.uris ?? [])].sort(),
    duration: spec.duration,
    key: { algorithm: spec.privateKey?.algorithm ?? 'ECDSA', size: spec.privateKey?.size ?? null },
    issuer: spec.issuerRef.name,
  });
}

/** The destinations as written (a change deploys the current revision again). */
export const destinationsKey = (spec: ManagedCertificateSpec): string =>
  canonicalJson(spec.destinations ?? []);

export interface VerifyEndpoint {
  host: string;
  port: number;
  /** The server name to send: as given, else the host unless it is an IP address. */
  sni: string | null;
  starttls: 'smtp' | 'postgres' | null;
}

export function verifyEndpoints(spec: ManagedCertificateSpec): VerifyEndpoint[] {
  return (spec.verify ?? []).map((v) => ({
    host: v.host,
    port: v.port,
    sni: v.sni ?? (parseIpAddress(v.host) === null ? v.host : null),
    starttls: v.starttls ?? null,
  }));
}

/** The verification endpoints (a change verifies the current revision again). */
export const endpointsKey = (spec: ManagedCertificateSpec): string => canonicalJson(verifyEndpoints(spec));

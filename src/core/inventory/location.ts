import { canonicalIp } from '../scan/ip-address.js';

/**
 * Where a certificate (or a private key) is installed or served. Each location has a canonical `key`, unique in
 * the store, so that a rescan finds the same location again.
 */
export interface FileLocation {
  kind: 'file';
  /** Absolute path of the file. */
  path: string;
  /** When the file is a Kubernetes Secret manifest: the secret it declares (namespace "default" when unset). */
  k8sSecret?: { namespace: string; name: string };
}

export interface TlsLocation {
  kind: 'tls';
  host: string;
  port: number;
  /** The SNI name sent, or null when none was sent. */
  sni: string | null;
  /** The address connected to. */
  address: string | null;
}

export interface K8sSecretLocation {
  kind: 'k8s-secret';
  cluster: string;
  namespace: string;
  name: string;
}

export interface AgentLocation {
  kind: 'agent';
  deviceId: string;
  path: string | null;
}

/** Issued by the built-in CA: the certificate is in the inventory from its issuance, for the identity asked for. */
export interface IssuedLocation {
  kind: 'issued';
  /** The CA that signed it. */
  authority: string;
  /** The identity the certificate was issued for (its owner follows), or null. */
  identity: string | null;
}

/**
 * A TLS location probed by bare IP address without an SNI name: what it serves is judged against the address, so
 * what is found there (a name mismatch above all) belongs to that location only, not to the certificate.
 */
export function probedByBareAddress(location: Location): boolean {
  return location.kind === 'tls' && location.sni === null && canonicalIp(location.host) !== null;
}

export type Location = FileLocation | TlsLocation | K8sSecretLocation | AgentLocation | IssuedLocation;
export type LocationKind = Location['kind'];

/** Every kind of location, as `--kind` and `locationKind` take them. */
export const LOCATION_KINDS: readonly LocationKind[] = ['tls', 'file', 'k8s-secret', 'agent', 'issued'];

/** The canonical, unique key of a location. */
export function locationKey(location: Location): string {
  switch (location.kind) {
    case 'file':
      // A manifest file declaring several Secrets holds one location per Secret.
      return location.k8sSecret
        ? `file:${location.path}#${location.k8sSecret.namespace}/${location.k8sSecret.name}`
        : `file:${location.path}`;
    case 'tls':
      return `tls:${location.host}:${location.port}:${location.sni ?? ''}`;
    case 'k8s-secret':
      return `k8s-secret:${location.cluster}/${location.namespace}/${location.name}`;
    case 'agent':
      return `agent:${location.deviceId}:${location.path ?? ''}`;
    case 'issued':
      return location.identity === null
        ? `issued:${location.authority}`
        : `issued:${location.authority}/${location.identity}`;
  }
}

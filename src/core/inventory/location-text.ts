import type { Location } from './location.js';

/**
 * A location in words, as tables and notices print it: a file's path (with the Secret a manifest declares), an
 * endpoint's host:port and the SNI name when it differs from the host, a Secret's cluster/namespace/name.
 */
export function locationText(location: Location): string {
  switch (location.kind) {
    case 'file':
      return location.k8sSecret === undefined
        ? location.path
        : `${location.path} (secret ${location.k8sSecret.namespace}/${location.k8sSecret.name})`;
    case 'tls':
      return `${location.host}:${location.port}${location.sni && location.sni !== location.host ? ` (sni ${location.sni})` : ''}`;
    case 'k8s-secret':
      return `${location.cluster}/${location.namespace}/${location.name}`;
    case 'agent':
      return `${location.deviceId}${location.path ? `:${location.path}` : ''}`;
    case 'issued':
      return `issued by ca ${location.authority}${location.identity === null ? '' : ` for ${location.identity}`}`;
  }
}

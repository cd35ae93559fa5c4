import { directoryOf } from './file-path.js';
import type { Location } from './location.js';
import type { Sighting } from './sighting.js';

/** Two locations are beside each other when they are one location, or two plain files in one directory. */
function besideEachOther(a: Location, b: Location): boolean {
  if (a.kind === 'file' && b.kind === 'file') {
    if (a.k8sSecret || b.k8sSecret) {
      return (
        a.path === b.path &&
        a.k8sSecret?.namespace === b.k8sSecret?.namespace &&
        a.k8sSecret?.name === b.k8sSecret?.name
      );
    }
    return directoryOf(a.path) === directoryOf(b.path);
  }
  if (a.kind === 'k8s-secret' && b.kind === 'k8s-secret') {
    return a.cluster === b.cluster && a.namespace === b.namespace && a.name === b.name;
  }
  if (a.kind === 'agent' && b.kind === 'agent') return a.deviceId === b.deviceId && a.path === b.path;
  return false;
}

/**
 * Whether the certificate's own private key (its key sightings) lies beside one of the certificate's sightings:
 * in the same file or Secret, or in a file of the same directory (`server.crt` and `server.key`).
 */
export function ownKeyBeside(sightings: readonly Sighting[], keySightings: readonly Sighting[]): boolean {
  return keySightings.some((k) => sightings.some((s) => besideEachOther(s.location, k.location)));
}

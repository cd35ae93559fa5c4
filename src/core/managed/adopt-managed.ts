/**
 * `custos managed adopt`: a certificate the scanners found becomes a ManagedCertificate with the same names and key
 * type, so the inventory turns into automation. Its destinations are, unless given, the files where it was found
 * beside its own private key; its verification endpoints the TLS endpoints that serve it. The object is applied
 * like any manifest (validation, audit `object.created`), and the reconciler then issues, deploys and verifies.
 */
import { stringify } from 'yaml';
import { parseDuration } from '../duration.js';
import { applyManifests, type ApplyResult } from '../declarative/apply-manifests.js';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import { NAME_PATTERN } from '../declarative/fields.js';
import { DomainError } from '../errors.js';
import { findCertificateByPrefix } from '../inventory/find-by-prefix.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';

export interface AdoptInput {
  /** A fingerprint (prefix) of a certificate in the inventory. */
  fingerprint: string;
  issuer: string;
  /** Default: the first DNS name (or common name), as an object name. */
  name?: string;
  identity?: string;
  /** Default: the adopted certificate's own lifetime. */
  duration?: string;
  /** Default: the files where the certificate lies beside its private key. */
  destinations?: Array<{ certificate: string; privateKey: string; fullchain?: string }>;
  /** Run after the files are written (program and arguments). */
  reload?: string[];
  dryRun?: boolean;
  actor: string;
}

export interface AdoptResult {
  name: string;
  fingerprintSha256: string;
  /** The manifest applied (YAML), as `get -o yaml` would print it. */
  manifest: string;
  apply: ApplyResult;
}

const HOUR_MS = 3_600_000;

/** A lifetime as a declared duration: whole days when it is, else whole hours (at least 1h). */
function lifetime(notBefore: Date, notAfter: Date): string {
  const hours = Math.max(1, Math.round((notAfter.getTime() - notBefore.getTime()) / HOUR_MS));
  return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}

function defaultName(dns: string[], commonName: string | null): string {
  const base = (dns[0] ?? commonName ?? '')
    .replace(/^\*\./, 'wildcard.')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-');
  const name = base.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 63);
  if (!NAME_PATTERN.test(name))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'The certificate has no name to call it by.', {
      hint: 'Give one with --name.',
    });
  return name;
}

export async function adoptManaged(
  deps: { store: Store; clock: Clock },
  input: AdoptInput,
): Promise<AdoptResult> {
  const certificate = await findCertificateByPrefix(deps.store.inventory, input.fingerprint);
  const san = certificate.subjectAltNames;
  const name = input.name ?? defaultName(san.dns, certificate.commonName);
  if ((await deps.store.objects.list('ManagedCertificate')).some((o) => o.object.metadata.name === name))
    throw new DomainError('CUSTOS_MANAGED_EXISTS', `A ManagedCertificate named "${name}" already exists.`, {
      hint: 'Adopt under another --name, or change that one with `custos apply -f`.',
    });
  const sightings = (await deps.store.inventory.sightingsOf(certificate.fingerprintSha256)).filter(
    (s) => s.endedAt === null,
  );
  let destinations = input.destinations;
  if (destinations === undefined) {
    // Files holding the certificate, each with the file beside it (same directory) that holds its key.
    const keys = (await deps.store.inventory.openSightings()).filter(
      (s) =>
        s.object.type === 'key' &&
        s.object.publicKeySha256 === certificate.publicKeySha256 &&
        s.location.kind === 'file' &&
        s.location.k8sSecret === undefined,
    );
    const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
    destinations = [];
    for (const s of sightings) {
      if (s.location.kind !== 'file' || s.location.k8sSecret !== undefined) continue;
      const path = s.location.path;
      const key = keys.find(
        (k) =>
          k.location.kind === 'file' && k.location.path !== path && dirOf(k.location.path) === dirOf(path),
      );
      if (key !== undefined && key.location.kind === 'file')
        destinations.push({ certificate: path, privateKey: key.location.path });
    }
  }
  if (destinations.length === 0)
    throw new DomainError(
      'CUSTOS_MANAGED_ADOPT_NO_DESTINATION',
      `Certificate ${certificate.fingerprintSha256.slice(0, 16)} was not found in a file beside its private key.`,
      { hint: 'Name where it goes: --destination CERT_FILE,KEY_FILE[,FULLCHAIN_FILE].' },
    );
  const verify = sightings.flatMap((s) =>
    s.location.kind === 'tls'
      ? [
          {
            host: s.location.host,
            port: s.location.port,
            ...(s.location.sni !== null ? { sni: s.location.sni } : {}),
          },
        ]
      : [],
  );
  const algorithm = certificate.keyAlgorithm;
  const duration = input.duration ?? lifetime(certificate.notBefore, certificate.notAfter);
  parseDuration(duration, '--duration', { form: 'declared' });
  const spec: ManagedCertificateSpec = {
    ...(input.identity === undefined ? {} : { identity: input.identity }),
    ...(certificate.commonName === null ? {} : { commonName: certificate.commonName }),
    ...(san.dns.length > 0 ? { dnsNames: san.dns.map((d) => d.toLowerCase()) } : {}),
    ...(san.ip.length > 0 ? { ipAddresses: san.ip } : {}),
    ...(san.uri.length > 0 ? { uris: san.uri } : {}),
    duration,
    issuerRef: { name: input.issuer },
    ...(algorithm === 'ECDSA' || algorithm === 'RSA' || algorithm === 'Ed25519'
      ? {
          privateKey: {
            algorithm,
            ...(algorithm !== 'Ed25519' && certificate.keySize !== null ? { size: certificate.keySize } : {}),
          },
        }
      : {}),
    destinations: destinations.map((d) => ({
      file: {
        certificate: d.certificate,
        ...(d.fullchain === undefined ? {} : { fullchain: d.fullchain }),
        privateKey: d.privateKey,
        ...(input.reload === undefined ? {} : { reload: { command: input.reload } }),
      },
    })),
    ...(verify.length > 0 ? { verify } : {}),
  };
  const manifest = stringify({
    apiVersion: 'custos/v1',
    kind: 'ManagedCertificate',
    metadata: { name },
    spec,
  });
  const apply = await applyManifests(deps, {
    text: manifest,
    fileName: `adopt ${certificate.fingerprintSha256.slice(0, 16)}`,
    actor: input.actor,
    ...(input.dryRun === true ? { dryRun: true } : {}),
  });
  return { name, fingerprintSha256: certificate.fingerprintSha256, manifest, apply };
}

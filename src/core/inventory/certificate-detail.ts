import { auditRecordView, type AuditRecordView } from '../audit/audit-record-view.js';
import type { OwnerObject } from '../declarative/objects.js';
import { redactSecrets } from '../declarative/webhook-secrets.js';
import { DomainError } from '../errors.js';
import { managedStatusView, type ManagedStatusView } from '../managed/managed-view.js';
import type { CertificateFacts } from '../ports/inventory-store.js';
import type { ListInventoryDeps } from '../list-inventory.js';
import { normaliseFingerprintPrefix } from './find-by-prefix.js';
import { showCertificate } from '../show-certificate.js';
import type { ShownCertificate } from './shown-certificate.js';
import type { Location } from './location.js';

/** A certificate above another in its issuer chain, as far as the inventory knows it. */
export interface ChainLink {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
}

/** One sighting of the certificate: where, from when to when (endedAt null while it is still there). */
export type SightingView = Location & { firstSeen: string; lastSeen: string; endedAt: string | null };

/** `GET /v1/certificates/{fingerprint}`: the listing's fields and what the certificate's page shows besides. */
export interface CertificateDetail extends ShownCertificate {
  /** The issuers above it, nearest first, up to a self-signed one or the first the inventory does not hold. */
  chain: ChainLink[];
  /** Every sighting, open and ended, oldest first. */
  sightings: SightingView[];
  /** The owner's object (contacts and escalation path; webhook secrets redacted), or null. */
  ownerDetail: OwnerObject | null;
  /** The managed certificate whose current revision it is, with its status, or null. */
  managed: (ManagedStatusView & { name: string }) | null;
  /** The newest audit records about it (at most 100), oldest first. */
  audit: AuditRecordView[];
}

const MAX_CHAIN = 10;
const AUDIT_TRAIL = 100;

/** The issuer of a certificate among the stored ones: same DN as its issuer, and the key id when both carry one. */
async function issuerOf(deps: ListInventoryDeps, c: CertificateFacts): Promise<CertificateFacts | null> {
  const candidates = await deps.store.inventory.certificatesWithSubject(c.issuer);
  const matching = candidates.filter(
    (i) => c.authorityKeyId === null || i.subjectKeyId === null || i.subjectKeyId === c.authorityKeyId,
  );
  // Of several (a re-issued CA), the one valid longest.
  return matching.sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0] ?? null;
}

async function chainOf(deps: ListInventoryDeps, fingerprint: string): Promise<ChainLink[]> {
  const [start] = await deps.store.inventory.certificatesByPrefix(fingerprint, 1);
  const chain: ChainLink[] = [];
  const seen = new Set<string>([fingerprint]);
  let current: CertificateFacts | undefined = start;
  while (current !== undefined && !current.selfSigned && chain.length < MAX_CHAIN) {
    const issuer = await issuerOf(deps, current);
    if (issuer === null || seen.has(issuer.fingerprintSha256)) break;
    seen.add(issuer.fingerprintSha256);
    chain.push({
      fingerprintSha256: issuer.fingerprintSha256,
      subject: issuer.subject,
      notAfter: issuer.notAfter.toISOString(),
    });
    current = issuer;
  }
  return chain;
}

/**
 * One certificate by fingerprint prefix (`inventory show`), as a caller confined to `ownerScope` may see it: another
 * owner's certificate is CUSTOS_NOT_FOUND, as if it did not exist.
 */
export async function certificateInScope(
  deps: ListInventoryDeps,
  input: { prefix: string; ownerScope?: string | null },
): Promise<ShownCertificate> {
  const view = await showCertificate(deps, { prefix: input.prefix });
  if (input.ownerScope !== undefined && input.ownerScope !== null && view.owner !== input.ownerScope)
    throw new DomainError(
      'CUSTOS_NOT_FOUND',
      `no certificate has a fingerprint starting with ${normaliseFingerprintPrefix(input.prefix)}`,
    );
  return view;
}

/**
 * One certificate as its page shows it: what `inventory show --json` prints, its issuer chain, sighting history,
 * owner with escalation path, managed status and audit trail. `ownerScope`: a caller confined to one owner gets
 * CUSTOS_NOT_FOUND for another owner's certificate (as if it did not exist).
 */
export async function certificateDetail(
  deps: ListInventoryDeps,
  input: { prefix: string; ownerScope?: string | null },
): Promise<CertificateDetail> {
  const view = await certificateInScope(deps, input);
  const fingerprint = view.fingerprintSha256;
  const [chain, owners, statuses, audit] = await Promise.all([
    chainOf(deps, fingerprint),
    view.owner === null ? Promise.resolve([]) : deps.store.objects.list('Owner'),
    deps.store.managed.statuses(),
    deps.store.audit.query({ subject: fingerprint, limit: AUDIT_TRAIL, newest: true }),
  ]);
  const owner = owners.find((o) => o.object.metadata.name === view.owner)?.object;
  const managed = statuses.find((s) => s.fingerprintSha256 === fingerprint);
  return {
    ...view,
    chain,
    sightings: view.locations.map((l) => ({ ...l, endedAt: l.endedAt ?? null })),
    ownerDetail: owner?.kind === 'Owner' ? (redactSecrets(owner, false) as OwnerObject) : null,
    managed: managed === undefined ? null : { name: managed.name, ...managedStatusView(managed) },
    audit: audit.map(auditRecordView),
  };
}

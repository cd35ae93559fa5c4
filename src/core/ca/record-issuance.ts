/**
 * What issuing a certificate writes, in one transaction: the CA's record of it, the certificate in the inventory
 * with a sighting at its `issued` location (audited as `sighting.started`, so `audit verify --state` finds it), its
 * evaluation (the identity it was issued for links its owner), and the `certificate.issued` event naming the CA,
 * serial, fingerprint, provisioner and the claims used.
 *
 * Several issuances may be written in one transaction (the group commit of issuance-batcher.ts): each keeps its
 * own records and its own two audit events, in the order given; the certificates are evaluated together, once per
 * actor, as of the latest issuance of the batch (a batch spans the milliseconds of one commit).
 */
import type { AuditEventInput } from '../audit/audit-event.js';
import type { LintFailure } from '../../pki/lint/lint.js';
import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import { evaluate, type WrittenEntry } from '../evaluation/evaluate.js';
import { locationKey, type Location } from '../inventory/location.js';
import type { IssuedCertificate } from '../ports/authority-store.js';
import type { CaDependencies } from './ca-dependencies.js';
import type { IssuanceRequest } from './issuance-request.js';

export interface IssuanceRecord {
  certificate: IssuedCertificate;
  leaf: ParsedCertificate;
  request: IssuanceRequest;
  at: Date;
  /**
   * The failures (warnings and notices: an error refuses issuance) of the inventory's lints run on this certificate
   * before it was signed, so the evaluation does not read and lint it again; absent when other lints ran.
   */
  lintFailures?: readonly LintFailure[];
}

export async function recordIssuance(
  deps: Pick<CaDependencies, 'store' | 'actor'>,
  record: IssuanceRecord,
): Promise<void> {
  await recordIssuances(deps.store, [{ ...record, actor: deps.actor }]);
}

/** Writes these issuances in one transaction (all or none), in their order. */
export async function recordIssuances(
  store: CaDependencies['store'],
  records: readonly (IssuanceRecord & { actor: string })[],
): Promise<void> {
  if (records.length === 0) return;
  await store.transaction(async (tx) => {
    await tx.authorities.recordIssuedCertificates(records.map((r) => r.certificate));
    // One sighting per certificate at its own moment; rows of the same moment are written together.
    for (const group of runsBy(records, (r) => r.at.getTime())) {
      const at = group[0]!.at;
      await tx.inventory.insertCertificates(
        group.map((r) => r.leaf),
        at,
      );
      await tx.inventory.startSightings(
        group.map((r) => ({ location: locationOf(r.certificate), object: objectOf(r.certificate) })),
        at,
      );
    }
    await tx.appendAudit(records.flatMap(auditEvents));
    const at = new Date(Math.max(...records.map((r) => r.at.getTime())));
    const lintFailures = new Map(
      records.flatMap((r) =>
        r.lintFailures === undefined ? [] : [[r.certificate.fingerprintSha256, r.lintFailures] as const],
      ),
    );
    for (const group of groupsBy(records, (r) => r.actor))
      await evaluate(
        { tx, at, actor: group[0]!.actor, lintFailures, written: group.map(writtenEntry) },
        group.map((r) => r.certificate.fingerprintSha256),
      );
  });
}

/**
 * The inventory entry an issuance has just written, as listing it would read it back: the certificate first
 * discovered at its issuance, with one open sighting at its `issued` location (test/ca/issuance-batcher.test.ts
 * checks that evaluating the stored entries afterwards changes nothing).
 */
function writtenEntry(record: IssuanceRecord): WrittenEntry {
  const { der: _der, ...facts } = record.leaf;
  const location = locationOf(record.certificate);
  return {
    certificate: { ...facts, firstDiscovered: record.at },
    sightings: [
      {
        location,
        locationKey: locationKey(location),
        object: objectOf(record.certificate),
        firstSeen: record.at,
        lastSeen: record.at,
        endedAt: null,
      },
    ],
  };
}

const locationOf = (certificate: IssuedCertificate): Location => ({
  kind: 'issued',
  authority: certificate.authority,
  identity: certificate.identity,
});

const objectOf = (certificate: IssuedCertificate) => ({
  type: 'certificate' as const,
  fingerprintSha256: certificate.fingerprintSha256,
});

function auditEvents(record: IssuanceRecord & { actor: string }): AuditEventInput[] {
  const { certificate, leaf, request, at, actor } = record;
  return [
    {
      type: 'certificate.issued',
      actor,
      subject: certificate.fingerprintSha256,
      at,
      data: {
        ca: certificate.authority,
        serialNumber: certificate.serialNumber,
        fingerprintSha256: certificate.fingerprintSha256,
        subject: leaf.subject,
        subjectAltNames: leaf.subjectAltNames,
        notBefore: certificate.notBefore.toISOString(),
        notAfter: certificate.notAfter.toISOString(),
        identity: certificate.identity,
        provisioner: { name: request.provisioner.name, kind: request.provisioner.kind },
        claims: request.provisioner.claims,
        csr: request.csr !== null,
      },
    },
    {
      type: 'sighting.started',
      actor,
      subject: certificate.fingerprintSha256,
      at,
      data: { object: 'certificate', location: locationOf(certificate) },
    },
  ];
}

/** Consecutive runs of items with the same key, in order. */
function runsBy<T, K>(items: readonly T[], key: (item: T) => K): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const last = runs.at(-1);
    if (last !== undefined && key(last[0]!) === key(item)) last.push(item);
    else runs.push([item]);
  }
  return runs;
}

/** Items grouped by key, groups in the order their first item comes. */
function groupsBy<T, K>(items: readonly T[], key: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return [...groups.values()];
}

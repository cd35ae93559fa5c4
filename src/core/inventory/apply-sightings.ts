import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { StoreTransaction } from '../ports/store.js';
import { locationKey, type Location } from './location.js';
import { sightedObjectHash, type SightedObject, type Sighting } from './sighting.js';

/** What one location holds now, as just read: it replaces what the location held before. */
export interface LocationObservation {
  location: Location;
  /** In the order found (file order, or the order a server sent its chain). */
  certificates: ParsedCertificate[];
  /** Public-key hashes of the private keys found there. */
  keys: string[];
}

export interface SightingsUpdate {
  /** Who or what observed it, for the audit trail: `scanner:files`, `scanner:tls`. */
  actor: string;
  /** Locations read now. */
  observed: LocationObservation[];
  /** Locations known to be unchanged since they were last read (their open sightings get lastSeen = now). */
  unchangedLocationKeys: string[];
  /** Locations that are gone (their open sightings end). */
  goneLocationKeys: string[];
  /**
   * The open sightings at every location of the update, when the caller has just read them in the same
   * transaction (a file scan reads those under its roots anyway): saves reading them again.
   */
  openSightings?: Sighting[];
}

export interface SightingsSummary {
  /** Certificates stored for the first time. */
  newCertificates: number;
  started: number;
  ended: number;
  unchanged: number;
  /** Distinct certificates at the observed and unchanged locations. */
  certificatesSeen: number;
  /** Certificates a sighting of which started or ended: the ones whose owner or decisions may have changed. */
  changedCertificates: string[];
}

export interface Keyed {
  locationKey: string;
  object: SightedObject;
}

const objectsOf = (o: LocationObservation): SightedObject[] => [
  ...o.certificates.map((c): SightedObject => ({
    type: 'certificate',
    fingerprintSha256: c.fingerprintSha256,
  })),
  ...o.keys.map((k): SightedObject => ({ type: 'key', publicKeySha256: k })),
];

const idOf = (key: string, object: SightedObject): string =>
  `${key}\u0000${object.type}\u0000${sightedObjectHash(object)}`;

/**
 * Reconciles observations with the open sightings of the same locations, inside the caller's transaction: new
 * certificates are stored, sightings of what is still there are touched, of what is new are started, of what is
 * no longer there are ended (never deleted). Every change is an audit event in the same transaction, so a change
 * whose audit record cannot be written is not made.
 */
export async function applySightingsUpdate(
  tx: StoreTransaction,
  at: Date,
  update: SightingsUpdate,
): Promise<SightingsSummary> {
  const observedKeys = update.observed.map((o) => locationKey(o.location));
  const open =
    update.openSightings ??
    (await tx.inventory.openSightingsAt([
      ...observedKeys,
      ...update.unchangedLocationKeys,
      ...update.goneLocationKeys,
    ]));
  const openById = new Map<string, Sighting>(open.map((s) => [idOf(s.locationKey, s.object), s]));

  const certificates = new Map<string, ParsedCertificate>();
  for (const o of update.observed) for (const c of o.certificates) certificates.set(c.fingerprintSha256, c);
  const known = await tx.inventory.knownCertificates([...certificates.keys()]);
  const fresh = [...certificates.values()].filter((c) => !known.has(c.fingerprintSha256));
  await tx.inventory.insertCertificates(fresh, at);
  // The loops below run over every observation and open sighting (240,000 in a first scan of 100,000 files): the
  // event loop gets a turn between them.
  await tx.giveTurn();

  const toStart: Array<{ location: Location; object: SightedObject }> = [];
  const toTouch: Keyed[] = [];
  const seen = new Set<string>();
  for (const o of update.observed) {
    const key = locationKey(o.location);
    for (const object of objectsOf(o)) {
      const id = idOf(key, object);
      if (seen.has(id)) continue;
      seen.add(id);
      if (openById.has(id)) toTouch.push({ locationKey: key, object });
      else toStart.push({ location: o.location, object });
    }
  }
  await tx.giveTurn();
  const unchanged = new Set(update.unchangedLocationKeys);
  const inScope = new Set([...observedKeys, ...update.goneLocationKeys]);
  const seenCertificates = new Set(certificates.keys());
  const toEnd: Keyed[] = [];
  let touchedUnchanged = 0;
  for (const s of open) {
    if (unchanged.has(s.locationKey)) {
      touchedUnchanged += 1;
      if (s.object.type === 'certificate') seenCertificates.add(s.object.fingerprintSha256);
    } else if (inScope.has(s.locationKey) && !seen.has(idOf(s.locationKey, s.object))) {
      toEnd.push({ locationKey: s.locationKey, object: s.object });
    }
  }

  await tx.giveTurn();
  await tx.inventory.startSightings(toStart, at);
  await tx.inventory.touchSightings(toTouch, at);
  await tx.inventory.touchOpenSightingsAt(update.unchangedLocationKeys, at);
  const gone = new Set(update.goneLocationKeys);
  const reasonOf = (k: Keyed): SightingEndReason => (gone.has(k.locationKey) ? 'gone' : 'replaced');
  for (const reason of ['gone', 'replaced'] as const) {
    await tx.inventory.endSightings(
      toEnd.filter((k) => reasonOf(k) === reason),
      at,
      reason,
    );
  }
  const events = auditEvents(update.actor, at, fresh, toStart, toEnd, openById, reasonOf);
  await tx.giveTurn();
  await tx.appendAudit(events);
  for (const t of toTouch)
    if (t.object.type === 'certificate') seenCertificates.add(t.object.fingerprintSha256);
  return {
    newCertificates: fresh.length,
    started: toStart.length,
    ended: toEnd.length,
    unchanged: toTouch.length + touchedUnchanged,
    certificatesSeen: seenCertificates.size,
    changedCertificates: [
      ...new Set(
        [...toStart, ...toEnd].flatMap((s) =>
          s.object.type === 'certificate' ? [s.object.fingerprintSha256] : [],
        ),
      ),
    ],
  };
}

/** Why a sighting ended, as `inventory show` and the `sighting.ended` audit event say it. */
export type SightingEndReason = 'replaced' | 'gone' | 'forgotten' | `unreachable: ${string}`;

/** The `sighting.ended` audit event of a sighting (the open one read, or only its key and object). */
export function sightingEnded(actor: string, at: Date, s: Sighting | Keyed, reason: string): AuditEventInput {
  return {
    type: 'sighting.ended',
    actor,
    subject: sightedObjectHash(s.object),
    at,
    data: {
      object: s.object.type,
      location: 'location' in s ? s.location : s.locationKey,
      firstSeen: 'firstSeen' in s ? s.firstSeen.toISOString() : undefined,
      reason,
    },
  };
}

function auditEvents(
  actor: string,
  at: Date,
  fresh: ParsedCertificate[],
  started: Array<{ location: Location; object: SightedObject }>,
  ended: Keyed[],
  openById: Map<string, Sighting>,
  reasonOf: (k: Keyed) => string,
): AuditEventInput[] {
  const events: AuditEventInput[] = fresh.map((c) => ({
    type: 'certificate.discovered',
    actor,
    subject: c.fingerprintSha256,
    at,
    data: {
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      notAfter: c.notAfter.toISOString(),
    },
  }));
  for (const s of started) {
    events.push({
      type: 'sighting.started',
      actor,
      subject: sightedObjectHash(s.object),
      at,
      data: { object: s.object.type, location: s.location },
    });
  }
  for (const s of ended) {
    events.push(sightingEnded(actor, at, openById.get(idOf(s.locationKey, s.object)) ?? s, reasonOf(s)));
  }
  // A location whose certificates were replaced in one observation had a new deployment.
  const byLocation = new Map<
    string,
    { previous: string[]; current: string[]; location: Location | string }
  >();
  const entry = (key: string, location: Location | string) => {
    let e = byLocation.get(key);
    if (!e) byLocation.set(key, (e = { previous: [], current: [], location }));
    return e;
  };
  for (const s of started) {
    if (s.object.type === 'certificate')
      entry(locationKey(s.location), s.location).current.push(s.object.fingerprintSha256);
  }
  for (const s of ended) {
    if (s.object.type === 'certificate') {
      entry(
        s.locationKey,
        openById.get(idOf(s.locationKey, s.object))?.location ?? s.locationKey,
      ).previous.push(s.object.fingerprintSha256);
    }
  }
  for (const [key, e] of byLocation) {
    if (e.previous.length > 0 && e.current.length > 0) {
      events.push({
        type: 'deployment.changed',
        actor,
        subject: key,
        at,
        data: { location: e.location, previous: e.previous, current: e.current },
      });
    }
  }
  return events;
}

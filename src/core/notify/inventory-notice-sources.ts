import type { CertificateView } from '../inventory/certificate-view.js';
import { listInventory } from '../list-inventory.js';
import type { Store } from '../ports/store.js';
import type { NoticeLocation } from './notice.js';
import { notificationOwner } from './notification-owner.js';
import type { PlannedCertificate, PlannedException } from './plan-notices.js';
import type { NoticeSources } from './run-notifications.js';

/**
 * The notices' subjects as the inventory sees them: the certificates installed now with their owners and findings
 * (built-in and policy findings, waived ones marked), the stored Owners, and the stored Exceptions, each told to
 * the owners of the certificates whose findings it waives.
 */
export function inventoryNoticeSources(store: Store): NoticeSources {
  // One listing per moment serves both the certificates and the exceptions' owners.
  const listings = new Map<number, Promise<CertificateView[]>>();
  const inventoryAt = (now: Date): Promise<CertificateView[]> => {
    let listing = listings.get(now.getTime());
    if (listing === undefined) {
      listing = listInventory({ store, clock: { now: () => now } }, {});
      listings.set(now.getTime(), listing);
    }
    return listing;
  };
  return {
    async certificates(now) {
      return (await inventoryAt(now)).map(plannedCertificate);
    },
    async owners() {
      return (await store.objects.list('Owner')).map((stored) => notificationOwner(stored.object));
    },
    async exceptions(now) {
      const [stored, all] = await Promise.all([store.objects.list('Exception'), inventoryAt(now)]);
      return stored.map(({ object }): PlannedException => {
        const owners = new Set<string>();
        for (const view of all) {
          if (view.owner !== null && view.findings.some((f) => f.waivedBy === object.metadata.name))
            owners.add(view.owner);
        }
        return {
          name: object.metadata.name,
          expires: new Date(object.spec.expires),
          waives: object.spec.waives,
          reason: object.spec.reason,
          owners: [...owners].sort(),
        };
      });
    },
  };
}

function plannedCertificate(view: CertificateView): PlannedCertificate {
  return {
    fingerprintSha256: view.fingerprintSha256,
    subject: view.subject,
    subjectAltNames: view.subjectAltNames,
    notAfter: new Date(view.notAfter),
    // Where it is now: the sightings still open (an ended one is history, not a place to act on).
    locations: view.locations
      .filter((l) => l.endedAt === undefined)
      .map(
        ({
          firstSeen: _first,
          lastSeen,
          endedAt: _ended,
          endReason: _reason,
          unreachableSince,
          ...location
        }): NoticeLocation => ({
          ...location,
          lastSeen: new Date(lastSeen),
          ...(unreachableSince === undefined ? {} : { unreachableSince: new Date(unreachableSince) }),
        }),
      ),
    owner: view.owner,
    findings: view.findings,
  };
}

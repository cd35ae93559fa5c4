import type { CrlRecord } from '../ports/authority-store.js';
import type { CaDependencies } from './ca-dependencies.js';
import { publishCrlIn } from './publish-crl.js';

/**
 * Publishes the next CRL of every CA that signs (or still answers for what it signed) whose latest CRL is missing or
 * past half its validity, so relying parties never hold a CRL past its nextUpdate (RFC 5280 §5.1.2.5). Run by
 * `custos serve` in the background; the decision is re-made inside the transaction, so two servers on one database
 * publish once.
 */
export async function refreshCrls(
  deps: Pick<CaDependencies, 'keys' | 'actor' | 'store' | 'clock'>,
  input: { validityMs: number },
): Promise<CrlRecord[]> {
  const published: CrlRecord[] = [];
  for (const authority of await deps.store.authorities.list()) {
    if (authority.certificate === null || authority.status === 'retired') continue;
    const crl = await deps.store.transaction(async (tx) => {
      const at = deps.clock.now();
      const latest = await tx.authorities.latestCrl(authority.name);
      if (latest !== null && !halfGone(latest, at)) return null;
      return publishCrlIn(deps, tx, { authority: authority.name, validityMs: input.validityMs, at });
    });
    if (crl !== null) published.push(crl);
  }
  return published;
}

const halfGone = (crl: CrlRecord, at: Date): boolean =>
  at.getTime() >= crl.thisUpdate.getTime() + (crl.nextUpdate.getTime() - crl.thisUpdate.getTime()) / 2;

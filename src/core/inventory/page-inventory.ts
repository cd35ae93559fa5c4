import { DomainError } from '../errors.js';
import { FINDING_CODES } from '../findings/finding-codes.js';
import { DEFAULT_EXPIRING_WITHIN_DAYS } from '../findings/certificate-findings.js';
import { judgeEntries, type ListInventoryDeps } from '../list-inventory.js';
import { readGovernance } from '../ownership/governance.js';
import type { LocationKind } from './location.js';
import type { CertificateView } from './certificate-view.js';
import type { CertificateQuery, InventoryPosition, InventorySort } from '../ports/inventory-store.js';

export interface PageInventoryInput {
  /** Only certificates expiring within this many ms of now (expired ones too). */
  expiringWithinMs?: number;
  /** Only certificates with this finding. */
  finding?: string;
  /** Only certificates of this owner. */
  owner?: string;
  /** The owner an owner-bound caller is confined to (combines with `owner` by AND). */
  ownerScope?: string | null;
  unowned?: boolean;
  /** Text searched in subject and names, a fingerprint prefix, or an owner name. */
  search?: string;
  /** Only certificates linked to an identity of this environment. */
  environment?: string;
  locationKind?: LocationKind;
  includeRetired?: boolean;
  /** The `expiring-soon` window in days (default 30). */
  expiringSoonDays?: number;
  sort?: InventorySort;
  /** The page size (1..500). */
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface InventoryPage {
  /** The certificates of the page, as `inventory list --json` prints them. */
  items: CertificateView[];
  /** The cursor of the next page; null on the last one. */
  nextCursor: string | null;
}

/** Built-in findings judged when read (never stored): their codes cannot be looked up in the stored evaluations. */
export const JUDGED_WHEN_READ: ReadonlySet<string> = new Set<string>(
  Object.keys(FINDING_CODES).filter((code) => code !== 'unowned' && code !== 'policy-error'),
);

export function encodeCursor(sort: InventorySort, position: InventoryPosition): string {
  return Buffer.from(JSON.stringify([sort, position.key, position.fingerprint])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: InventorySort): InventoryPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === 3 &&
    decoded[0] === sort &&
    (typeof decoded[1] === 'number' || typeof decoded[1] === 'string') &&
    typeof decoded[2] === 'string' &&
    /^[0-9a-f]{64}$/.test(decoded[2])
  )
    return { key: decoded[1], fingerprint: decoded[2] };
  throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'cursor: not a cursor of this listing and sort', {
    hint: 'pass the nextCursor of the previous page unchanged, with the same sort',
  });
}

/**
 * One page of the inventory now, in a stable order (keyset pagination: the cursor holds the last sort key and
 * fingerprint, so a page costs the same at any depth and a certificate added meanwhile shifts nothing). Filters
 * the stored evaluations answer (owner, identity, policy findings, location kind, search) run in the store query;
 * the certificates read are then judged as `inventory list` judges them, and those the judged filters drop are
 * made up by reading on from where the store stopped.
 */
export async function pageInventory(
  deps: ListInventoryDeps,
  input: PageInventoryInput,
): Promise<InventoryPage> {
  const sort = input.sort ?? 'notAfter';
  const ownerScope = input.ownerScope ?? undefined;
  if (ownerScope !== undefined && input.owner !== undefined && input.owner !== ownerScope)
    return { items: [], nextCursor: null };
  const owner = ownerScope ?? input.owner;
  if (ownerScope !== undefined && input.unowned === true) return { items: [], nextCursor: null };
  const now = deps.clock.now();
  const expiringSoonDays = input.expiringSoonDays ?? DEFAULT_EXPIRING_WITHIN_DAYS;
  const query: CertificateQuery = {
    includeRetired: input.includeRetired,
    sort,
    owner,
    unowned: input.unowned,
    locationKind: input.locationKind,
    search: input.search,
    notAfterBefore: expiryBound(now, input, expiringSoonDays),
  };
  if (input.environment !== undefined) {
    const identities = await deps.store.objects.list('Identity');
    query.identities = identities
      .filter((i) => i.object.kind === 'Identity' && i.object.spec.environment === input.environment)
      .map((i) => i.object.metadata.name);
  }
  if (input.finding !== undefined && !JUDGED_WHEN_READ.has(input.finding)) {
    const { policies } = await readGovernance(deps.store.objects);
    if (policies.some((p) => p.spec.type === 'compliance' && p.spec.code === input.finding))
      query.policyFinding = input.finding;
  }
  let after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, sort);
  const items: Array<{ view: CertificateView; position: InventoryPosition }> = [];
  // One more than the page tells whether a next page exists; the judged filters may drop some, so read ahead.
  const wanted = input.limit + 1;
  const batch = input.finding === undefined ? wanted : Math.max(wanted, 200);
  for (;;) {
    const entries = await deps.store.inventory.listCertificates({ ...query, after, limit: batch });
    const views = await judgeEntries(deps.store, entries, now, {
      finding: input.finding,
      owner,
      unowned: input.unowned,
      expiringSoonDays,
    });
    const byFingerprint = new Map(views.map((v) => [v.fingerprintSha256, v]));
    for (const entry of entries) {
      const view = byFingerprint.get(entry.certificate.fingerprintSha256);
      if (view === undefined || entry.position === undefined) continue;
      items.push({ view, position: entry.position });
      if (items.length === wanted) break;
    }
    const last = entries.at(-1)?.position;
    if (items.length >= wanted || entries.length < batch || last === undefined) break;
    after = last;
  }
  const page = items.slice(0, input.limit);
  const lastOfPage = page.at(-1);
  return {
    items: page.map((i) => i.view),
    nextCursor:
      items.length > input.limit && lastOfPage !== undefined ? encodeCursor(sort, lastOfPage.position) : null,
  };
}

/** The latest notAfter a certificate of the page can have: the expiry window asked for, or the one a finding implies. */
function expiryBound(now: Date, input: PageInventoryInput, expiringSoonDays: number): Date | undefined {
  const bounds: number[] = [];
  if (input.expiringWithinMs !== undefined) bounds.push(now.getTime() + input.expiringWithinMs);
  if (input.finding === 'expired') bounds.push(now.getTime());
  if (input.finding === 'expiring-soon') bounds.push(now.getTime() + expiringSoonDays * 86_400_000);
  return bounds.length === 0 ? undefined : new Date(Math.min(...bounds));
}

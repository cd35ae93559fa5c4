import type { ApiClient } from './runtime.js';

/** A page of a `/v1` list: the items and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The server's largest page; fewer requests for a whole listing. */
const PAGE_SIZE = 500;

/** Every item of a paged `/v1` list (at most `max`), following `nextCursor` page after page. */
export async function allPages<T>(
  api: ApiClient,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  max = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.request<Page<T>>({
      method: 'GET',
      path,
      query: { ...query, limit: Math.min(PAGE_SIZE, max - items.length), cursor },
    });
    items.push(...page.items.slice(0, max - items.length));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && items.length < max);
  return items;
}

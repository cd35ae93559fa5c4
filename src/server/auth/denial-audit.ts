/**
 * The audit of refused requests (401 and 403), bounded so that a client hammering the server cannot flood the audit
 * trail: per source (the credential's id when there is one, else the client address) the first refusal in each
 * minute is written at once as `api.denied`, and the ones after it in that minute are only counted and written as
 * one `api.denied.repeated` event with their count when the minute is over. At most MAX_SOURCES sources are
 * tracked per minute; refusals from more are counted together under the source `*`.
 */
import type { AuditEventInput } from '../../core/audit/audit-event.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import type { Logger } from '../../compose/logger.js';

export interface Denial {
  /** 401 (no valid credential) or 403 (out of scope). */
  status: 401 | 403;
  /** The audit actor: `api:tok_...`, `dashboard:ses_...`, or `anonymous:ADDRESS`. */
  actor: string;
  /** The credential's id when one was recognised (never its secret), else null. */
  credential: string | null;
  address: string;
  /** `GET /v1/tokens`: the route pattern, never the raw URL (it may carry a code). */
  route: string;
  scope: string;
  reason: string;
}

export const DENIAL_WINDOW_MS = 60_000;
export const MAX_SOURCES = 1_000;

interface Window {
  first: Denial;
  startedAt: Date;
  repeated: number;
}

export interface DenialAudit {
  record(denial: Denial): Promise<void>;
  /** Writes the counts of windows that are over (all of them when `all`, at close). */
  flush(all?: boolean): Promise<void>;
}

export function denialAudit(
  deps: { store: Store; clock: Clock; logger: Logger },
  maxSources = MAX_SOURCES,
): DenialAudit {
  const windows = new Map<string, Window>();
  const write = async (events: AuditEventInput[]): Promise<void> => {
    if (events.length === 0) return;
    try {
      await deps.store.transaction((tx) => tx.appendAudit(events));
    } catch (error) {
      deps.logger.error({ err: error }, 'could not audit refused requests');
    }
  };
  const flush = async (all = false): Promise<void> => {
    const now = deps.clock.now();
    const over = [...windows].filter(
      ([, w]) => all || now.getTime() - w.startedAt.getTime() >= DENIAL_WINDOW_MS,
    );
    for (const [source] of over) windows.delete(source);
    await write(
      over
        .filter(([, w]) => w.repeated > 0)
        .map(([source, w]) => ({
          type: 'api.denied.repeated',
          actor: source === '*' ? 'anonymous:*' : w.first.actor,
          subject: `source:${source}`,
          at: now,
          data: {
            count: w.repeated,
            from: w.startedAt.toISOString(),
            to: now.toISOString(),
            status: w.first.status,
            credential: w.first.credential,
          },
        })),
    );
  };
  return {
    async record(denial) {
      await flush();
      const tracked = denial.credential ?? denial.address;
      const source = windows.has(tracked) || windows.size < maxSources ? tracked : '*';
      const window = windows.get(source);
      if (window !== undefined) {
        window.repeated += 1;
        return;
      }
      const now = deps.clock.now();
      windows.set(source, { first: denial, startedAt: now, repeated: 0 });
      await write([
        {
          type: 'api.denied',
          actor: denial.actor,
          subject: `route:${denial.route}`,
          at: now,
          data: {
            status: denial.status,
            credential: denial.credential,
            address: denial.address,
            scope: denial.scope,
            reason: denial.reason,
          },
        },
      ]);
    },
    flush,
  };
}

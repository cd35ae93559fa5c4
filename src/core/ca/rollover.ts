/**
 * CA rollover (`custos ca rotate`), the pure part: how the generations of a CA are named, which one signs at a given
 * time, and which status changes are due. The clock and the store's counts come in as arguments.
 *
 * A CA `edge` rotated once has a second generation `edge--r2` (then `edge--r3`, ...): a CA of its own (key, issuing
 * certificate under the same root, CRL, OCSP), created `next` with `signsFrom` = now + overlap. Issuance that names
 * any generation of `edge` is signed by the newest generation that signs at that moment.
 */
import type { AuthorityStatus, CertificateAuthority } from '../ports/authority-store.js';

const GENERATION = /^(.+)--r([0-9]+)$/;

/** The CA a generation belongs to and its number: `edge` is generation 1 of `edge`, `edge--r2` generation 2. */
export function generationOf(name: string): { family: string; generation: number } {
  const match = GENERATION.exec(name);
  return match === null
    ? { family: name, generation: 1 }
    : { family: match[1] as string, generation: Number(match[2]) };
}

/** The name the next generation after `name` takes. */
export function successorName(name: string): string {
  const { family, generation } = generationOf(name);
  return `${family}--r${generation + 1}`;
}

/** Whether a generation signs at `now`: active, or next once its overlap has passed (before the status catches up). */
export function signsAt(authority: CertificateAuthority, now: Date): boolean {
  if (authority.certificate === null) return false;
  const due = authority.signsFrom === null || authority.signsFrom.getTime() <= now.getTime();
  return (authority.status === 'active' || authority.status === 'next') && due;
}

/**
 * The generation that signs at `now` among a CA and its successors (oldest first): the newest one that signs, or
 * undefined when none does.
 */
export function signerAt(
  generations: readonly CertificateAuthority[],
  now: Date,
): CertificateAuthority | undefined {
  return [...generations].reverse().find((authority) => signsAt(authority, now));
}

export type RolloverTransition =
  /** A `next` generation whose overlap has passed becomes `active`; the generations that signed before, `retiring`. */
  | { kind: 'activate'; name: string; retiring: string[] }
  /** A `retiring` generation none of whose certificates is still valid leaves the bundles. */
  | { kind: 'retire'; name: string };

/**
 * The status changes due at `now`. `validIssued` holds, for each `retiring` CA, how many certificates it issued are
 * still valid (not expired, not revoked); a CA missing from it is taken to have some.
 */
export function rolloverTransitions(
  authorities: readonly CertificateAuthority[],
  validIssued: ReadonlyMap<string, number>,
  now: Date,
): RolloverTransition[] {
  const transitions: RolloverTransition[] = [];
  for (const authority of authorities) {
    if (authority.status === 'next' && signsAt(authority, now)) {
      const { family, generation } = generationOf(authority.name);
      const retiring = authorities
        .filter((other) => {
          const of = generationOf(other.name);
          return of.family === family && of.generation < generation && other.status === 'active';
        })
        .map((other) => other.name);
      transitions.push({ kind: 'activate', name: authority.name, retiring });
    } else if (authority.status === 'retiring' && validIssued.get(authority.name) === 0) {
      transitions.push({ kind: 'retire', name: authority.name });
    }
  }
  return transitions;
}

/** The statuses a transition writes, by CA name. */
export function statusChanges(transition: RolloverTransition): [string, AuthorityStatus][] {
  return transition.kind === 'activate'
    ? [
        [transition.name, 'active'],
        ...transition.retiring.map((name): [string, AuthorityStatus] => [name, 'retiring']),
      ]
    : [[transition.name, 'retired']];
}

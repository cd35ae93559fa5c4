/** How the dashboard writes dates, fingerprints, locations and durations: as the CLI's tables do. */
import type { LocationView } from './types.js';

const DAY = 86_400_000;

export const day = (iso: string): string => iso.slice(0, 10);

export const dateTime = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

/** `in 12d`, `today`, `3d ago`. */
export function relativeDays(iso: string, now: number = Date.now()): string {
  const days = Math.floor((new Date(iso).getTime() - now) / DAY);
  if (days === 0) return 'today';
  return days > 0 ? `in ${days}d` : `${-days}d ago`;
}

export const expired = (iso: string, now: number = Date.now()): boolean => new Date(iso).getTime() <= now;

export const shortFingerprint = (fp: string): string => fp.replaceAll(':', '').slice(0, 12).toLowerCase();

/** The certificate's name: its first SAN, else the subject's CN, else the subject. */
export function displayName(c: { subject: string; subjectAltNames: string[] }): string {
  return c.subjectAltNames[0] ?? /CN=([^,]+)/.exec(c.subject)?.[1] ?? c.subject;
}

export function locationText(l: LocationView): string {
  switch (l.kind) {
    case 'file':
      return `${l.host && l.host !== 'localhost' ? `${l.host}:` : ''}${l.path ?? ''}`;
    case 'tls':
      return `${l.host}:${l.port}${l.sni && l.sni !== l.host ? ` (sni ${l.sni})` : ''}`;
    case 'k8s-secret':
      return `${l.cluster}/${l.namespace}/${l.name}`;
    case 'agent':
      return `${l.deviceId}${l.path ? `:${l.path}` : ''}`;
    case 'issued':
      return `issued by ca ${l.authority}${l.identity ? ` for ${l.identity}` : ''}`;
    default:
      return l.kind;
  }
}

export const plural = (n: number, noun: string): string =>
  `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;

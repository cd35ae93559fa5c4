import { DomainError } from '../errors.js';
import type { StartTlsMode, TlsEndpoint } from '../ports/tls-prober.js';
import { canonicalIp, formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip-address.js';
import { nextUnicast, nonUnicastCount } from './non-unicast.js';

/**
 * What `custos scan tls` is pointed at: host names, IP addresses, `host:port`, `[v6]:port` and CIDR ranges,
 * parsed and expanded lazily into endpoints (one per address, port and SNI name).
 */
export type TlsTarget =
  | { kind: 'name'; text: string; host: string; port: number | null }
  | { kind: 'address'; text: string; host: string; port: number | null }
  | { kind: 'range'; text: string; family: 4 | 6; first: bigint; size: bigint };

/** The largest range a scan accepts unless told otherwise: a /16 of IPv4. */
export const DEFAULT_MAX_RANGE_ADDRESSES = 65_536;

/** The most endpoints (addresses x ports x SNI names, of every target) one scan probes unless told otherwise. */
export const DEFAULT_MAX_ENDPOINTS = 65_536;

/** Ports where the service speaks a plain-text protocol first and upgrades to TLS. */
const STARTTLS_BY_PORT: Record<number, StartTlsMode> = { 25: 'smtp', 587: 'smtp', 5432: 'postgres' };

const invalid = (text: string, why: string): DomainError =>
  new DomainError('CUSTOS_INVALID_ARGUMENT', `target "${text}": ${why}`, {
    hint: 'write a host name, an IP address, host:port, [IPv6]:port, or a CIDR range such as 10.0.0.0/24',
  });

/** A forced STARTTLS upgrade as `--starttls` and the API name it; absent: chosen by port. */
export function parseStartTls(text: string | undefined, what: string): StartTlsMode | null {
  if (text === undefined) return null;
  if (text === 'smtp' || text === 'postgres') return text;
  throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${what}: "${text}" is not smtp or postgres`);
}

export function parsePort(text: string, what: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65_535)) {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${what}: "${text}" is not a port (1-65535)`);
  }
  return port;
}

/** `443,8443` or ranges `8000-8010`, de-duplicated, in the order given. */
export function parsePortList(text: string): number[] {
  const ports = new Set<number>();
  for (const item of text.split(',').map((s) => s.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      const [low, high] = [
        parsePort(range[1] as string, '--ports'),
        parsePort(range[2] as string, '--ports'),
      ];
      if (low > high) throw new DomainError('CUSTOS_INVALID_ARGUMENT', `--ports: "${item}" runs backwards`);
      for (let p = low; p <= high; p++) ports.add(p);
    } else {
      ports.add(parsePort(item, '--ports'));
    }
  }
  return [...ports];
}

/**
 * A DNS host name as users write them: letters, digits, hyphens and (for internal names) underscores, labels of
 * 1-63 characters, at most 253 in all; returned in lower case without a trailing dot. A name whose last label is
 * all digits is refused: it is a mistyped IPv4 address, not a name.
 */
export function parseHostName(text: string): string | null {
  const name = text.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return null;
  const labels = name.split('.');
  if (!labels.every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l))) return null;
  if (/^\d+$/.test(labels[labels.length - 1] as string)) return null;
  return name;
}

function parseRange(text: string, address: string, prefixText: string): TlsTarget {
  const v4 = parseIPv4(address);
  const v6 = v4 === null ? parseIPv6(address) : null;
  if (v4 === null && v6 === null) throw invalid(text, `"${address}" is not an IP address`);
  const bits = v4 !== null ? 32 : 128;
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw invalid(text, `the prefix length must be 0-${bits}`);
  const hostBits = BigInt(bits - prefix);
  const size = 1n << hostBits;
  // Host bits set (10.1.2.3/24) mean the range that holds the address, as nmap reads it.
  const first = ((v4 !== null ? BigInt(v4) : (v6 as bigint)) >> hostBits) << hostBits;
  return { kind: 'range', text, family: v4 !== null ? 4 : 6, first, size };
}

/** Parses one target; throws CUSTOS_INVALID_ARGUMENT naming the target and what is wrong. */
export function parseTarget(input: string): TlsTarget {
  const text = input.trim();
  if (text === '') throw invalid(input, 'empty');
  if (/\s/.test(text)) throw invalid(text, 'contains white space');
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    const v6 = parseIPv6(bracketed[1] as string);
    if (v6 === null) throw invalid(text, 'the bracketed part is not an IPv6 address');
    const port = bracketed[2] === undefined ? null : parsePort(bracketed[2], `target "${text}"`);
    return { kind: 'address', text, host: formatIPv6(v6), port };
  }
  const slash = text.indexOf('/');
  if (slash >= 0) return parseRange(text, text.slice(0, slash), text.slice(slash + 1));
  const colons = text.split(':').length - 1;
  if (colons >= 2) {
    const v6 = parseIPv6(text);
    if (v6 === null) throw invalid(text, 'not an IPv6 address (write [IPv6]:port to give a port)');
    return { kind: 'address', text, host: formatIPv6(v6), port: null };
  }
  const [hostText, portText] = colons === 1 ? text.split(':') : [text, undefined];
  const port = portText === undefined ? null : parsePort(portText, `target "${text}"`);
  const ip = canonicalIp(hostText as string);
  if (ip) return { kind: 'address', text, host: ip.text, port };
  const host = parseHostName(hostText as string);
  if (host === null) throw invalid(text, 'not a valid host name or IP address');
  return { kind: 'name', text, host, port };
}

/** The targets of a targets file: one a line; `#` starts a comment; blank lines are skipped. */
export function parseTargetsFile(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

export interface ExpandOptions {
  /** Ports for targets that name none (default [443]). */
  ports?: number[];
  /** SNI names to send; each is its own endpoint. Empty: the host name for names, none for addresses. */
  sni?: string[];
  /** Forces an upgrade for every endpoint; otherwise chosen by port (25 and 587 SMTP, 5432 PostgreSQL). */
  starttls?: StartTlsMode | null;
  /** The most addresses one range may hold (default 65,536). */
  maxRangeAddresses?: number;
  /** The most endpoints the whole scan may probe (default 65,536). */
  maxEndpoints?: number;
}

export interface TlsScanPlan {
  /** How many endpoints the plan yields. */
  total: number;
  /** Addresses of the ranges left out because they are never a unicast destination (non-unicast.ts). */
  skippedAddresses: number;
  /** The endpoints, generated one at a time (a /16 is not built as an array). */
  endpoints(): Generator<TlsEndpoint>;
}

/**
 * Checks every target (ranges against the size limit) and the whole scan (against the endpoint limit) before
 * anything is scanned, and returns the lazy list of endpoints; addresses of a range that are never a unicast
 * destination are left out and counted. Throws CUSTOS_SCAN_RANGE_TOO_LARGE for a range or a scan above its limit.
 */
export function planTlsScan(targets: TlsTarget[], options: ExpandOptions = {}): TlsScanPlan {
  const ports = options.ports ?? [443];
  const snis = (options.sni ?? []).map((name) => {
    const parsed = parseHostName(name);
    if (parsed === null)
      throw new DomainError('CUSTOS_INVALID_ARGUMENT', `--sni: "${name}" is not a host name`);
    return parsed;
  });
  const max = BigInt(options.maxRangeAddresses ?? DEFAULT_MAX_RANGE_ADDRESSES);
  let total = 0n;
  let skipped = 0n;
  for (const target of targets) {
    const portCount = BigInt(target.kind !== 'range' && target.port !== null ? 1 : ports.length);
    const sniCount = BigInt(Math.max(snis.length, 1));
    if (target.kind === 'range' && target.size > max) {
      throw new DomainError(
        'CUSTOS_SCAN_RANGE_TOO_LARGE',
        `range ${target.text} holds ${target.size.toLocaleString('en-US')} addresses, more than the ` +
          `${max.toLocaleString('en-US')} one scan accepts`,
        { hint: 'split it into smaller ranges, or raise the limit with --max-range-addresses' },
      );
    }
    const excluded = target.kind === 'range' ? nonUnicastCount(target.family, target.first, target.size) : 0n;
    skipped += excluded;
    total += (target.kind === 'range' ? target.size - excluded : 1n) * portCount * sniCount;
  }
  const maxEndpoints = BigInt(options.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS);
  if (total > maxEndpoints) {
    throw new DomainError(
      'CUSTOS_SCAN_RANGE_TOO_LARGE',
      `the scan would probe ${total.toLocaleString('en-US')} endpoints (addresses x ports x SNI names), more ` +
        `than the ${maxEndpoints.toLocaleString('en-US')} one scan accepts`,
      { hint: 'scan fewer targets, ports or SNI names at a time, or raise the limit with --max-endpoints' },
    );
  }
  const starttlsFor = (port: number): StartTlsMode | null =>
    options.starttls ?? STARTTLS_BY_PORT[port] ?? null;

  function* endpointsOf(host: string, sniDefault: string | null, portList: number[]): Generator<TlsEndpoint> {
    for (const port of portList) {
      const names = snis.length > 0 ? snis : [sniDefault];
      for (const sni of names) yield { host, port, sni, starttls: starttlsFor(port) };
    }
  }

  return {
    total: Number(total),
    skippedAddresses: Number(skipped),
    *endpoints() {
      for (const target of targets) {
        if (target.kind === 'range') {
          const end = target.first + target.size;
          for (
            let a = nextUnicast(target.family, target.first);
            a < end;
            a = nextUnicast(target.family, a + 1n)
          ) {
            const host = target.family === 4 ? formatIPv4(Number(a)) : formatIPv6(a);
            yield* endpointsOf(host, null, ports);
          }
        } else {
          const portList = target.port !== null ? [target.port] : ports;
          yield* endpointsOf(target.host, target.kind === 'name' ? target.host : null, portList);
        }
      }
    },
  };
}

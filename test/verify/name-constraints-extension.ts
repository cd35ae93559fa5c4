/**
 * A nameConstraints extension (RFC 5280 4.2.1.10) for test CAs, DER-encoded by hand: @peculiar/x509 has no
 * class for it. dNSName bases as given; iPAddress bases as CIDR ("10.0.0.0/8", "2001:db8::/32").
 */
import 'reflect-metadata'; // before @peculiar/x509
import * as x509 from '@peculiar/x509';

export interface Subtrees {
  dns?: string[];
  ip?: string[];
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const length =
    body.length < 0x80
      ? [body.length]
      : body.length < 0x100
        ? [0x81, body.length]
        : [0x82, body.length >> 8, body.length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

function ipBase(cidr: string): Uint8Array {
  const [address, bits] = cidr.split('/') as [string, string];
  const bytes = address.includes(':')
    ? (() => {
        const [head, tail = ''] = address.split('::') as [string, string?];
        const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
        const h = groups(head);
        const t = groups(tail);
        const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
        return all.flatMap((g) => [g >> 8, g & 0xff]);
      })()
    : address.split('.').map(Number);
  const mask = bytes.map((_, i) => {
    const left = Number(bits) - i * 8;
    return left >= 8 ? 0xff : left <= 0 ? 0 : (0xff << (8 - left)) & 0xff;
  });
  return Uint8Array.from([...bytes, ...mask]);
}

function subtrees(tag: number, trees: Subtrees): Uint8Array {
  const items = [
    ...(trees.dns ?? []).map((name) => tlv(0x30, tlv(0x82, Buffer.from(name, 'ascii')))),
    ...(trees.ip ?? []).map((cidr) => tlv(0x30, tlv(0x87, ipBase(cidr)))),
  ];
  return tlv(tag, ...items);
}

/** A critical nameConstraints extension with the given permitted and excluded subtrees. */
export function nameConstraints(options: { permitted?: Subtrees; excluded?: Subtrees }): x509.Extension {
  const parts = [
    ...(options.permitted ? [subtrees(0xa0, options.permitted)] : []),
    ...(options.excluded ? [subtrees(0xa1, options.excluded)] : []),
  ];
  return new x509.Extension('2.5.29.30', true, tlv(0x30, ...parts));
}

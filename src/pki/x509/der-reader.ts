/**
 * A minimal DER cursor for the lean certificate reader: reads one TLV header at a time over a byte range,
 * checks that every length stays inside its parent, and never allocates for the content.
 *
 * Strictness (chosen for the inventory: read what exists, never crash, never loop):
 * - lengths that run past the enclosing element, indefinite lengths (0x80) and lengths of more than four
 *   octets are rejected with CUSTOS_DER_MALFORMED;
 * - non-minimal length encodings (0x81 0x05) are tolerated, as @peculiar/x509 (asn1js) tolerates them: the
 *   fingerprint covers the bytes as they are, and rejecting them would hide a certificate from the inventory;
 * - high tag numbers (0x1f) are read (at most four octets) but keep only their first identifier octet, which
 *   no caller expects, so they are skipped or rejected by the caller.
 * Nesting depth is bounded by the reader's fixed structure: it never descends recursively.
 */
import { PkiFormatError } from '../problem.js';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export function malformed(message: string): never {
  throw new PkiFormatError('CUSTOS_DER_MALFORMED', message);
}

export class DerCursor {
  /** Identifier octet of the element last read by next(). */
  tag = -1;
  /** Offset of the last element's first identifier octet. */
  tlvStart = 0;
  /** Offsets of the last element's content: [start, end). */
  start = 0;
  end = 0;

  constructor(
    readonly bytes: Uint8Array,
    /** Offset of the next element. */
    public pos: number,
    /** End of the range this cursor reads. */
    readonly limit: number,
  ) {}

  hasMore(): boolean {
    return this.pos < this.limit;
  }

  /** The identifier octet of the next element without reading it, or -1 at the end. */
  peek(): number {
    return this.pos < this.limit ? this.bytes[this.pos] : -1;
  }

  /** Reads the next element's header, moves past the element, and returns its identifier octet. */
  next(what: string): number {
    const bytes = this.bytes;
    const limit = this.limit;
    let p = this.pos;
    if (p >= limit) malformed(`${what}: missing (the enclosing element ends at byte ${limit})`);
    this.tlvStart = p;
    const tag = bytes[p++];
    if ((tag & 0x1f) === 0x1f) {
      let octets = 0;
      let more = true;
      while (more) {
        if (p >= limit || ++octets > 4) malformed(`${what}: bad tag number at byte ${this.tlvStart}`);
        more = (bytes[p++] & 0x80) !== 0;
      }
    }
    if (p >= limit) malformed(`${what}: length missing at byte ${p}`);
    let length = bytes[p++];
    if (length & 0x80) {
      const octets = length & 0x7f;
      if (octets === 0) malformed(`${what}: indefinite length at byte ${p - 1} (not DER)`);
      if (octets > 4) malformed(`${what}: length of ${octets} octets at byte ${p - 1}`);
      if (octets > limit - p) malformed(`${what}: length runs past the end at byte ${p - 1}`);
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + bytes[p++];
    }
    if (length > limit - p) {
      malformed(`${what}: length ${length} at byte ${this.tlvStart} runs past the end (${limit - p} left)`);
    }
    this.tag = tag;
    this.start = p;
    this.end = p + length;
    this.pos = this.end;
    return tag;
  }

  /** Reads the next element and requires its identifier octet. */
  expect(tag: number, what: string): void {
    if (this.next(what) !== tag) {
      malformed(`${what}: expected tag 0x${hex2(tag)}, found 0x${hex2(this.tag)} at byte ${this.tlvStart}`);
    }
  }

  /** A cursor over the content of the element last read. */
  inner(): DerCursor {
    return new DerCursor(this.bytes, this.start, this.end);
  }

  /** Requires that nothing is left in this cursor's range. */
  finish(what: string): void {
    if (this.pos !== this.limit)
      malformed(`${what}: ${this.limit - this.pos} unexpected bytes at byte ${this.pos}`);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * The one ASN.1 reader of src/pki: a cursor over tag-length-value elements that reads one header at a time,
 * in place (no copies), and checks that every length stays inside its parent. Its mode says how much of BER it
 * accepts:
 * - `ber` (containers: PKCS#12, PKCS#7, private keys): indefinite lengths (Windows and Java write PKCS#12 and
 *   PKCS#7 that way, with constructed strings, see `stringBytes`) and non-minimal lengths; an element that runs
 *   past the end of the whole input is CUSTOS_FILE_TRUNCATED (the file was cut), anything else
 *   CUSTOS_DER_MALFORMED;
 * - `lenient-der` (the inventory's certificate reader): DER, except that non-minimal length encodings
 *   (0x81 0x05) are tolerated, as @peculiar/x509 (asn1js) tolerates them: the fingerprint covers the bytes as
 *   they are, and refusing them would hide a certificate from the inventory;
 * - `strict-der` (path validation): DER only — no indefinite or non-minimal lengths, no high tag numbers, no
 *   non-minimal OBJECT IDENTIFIER arcs — so a malformed certificate is refused instead of guessed at.
 * In every mode lengths of more than four octets are refused, high tag numbers have at most four octets (the
 * cursor keeps only the first identifier octet, which no caller expects), and nesting is bounded so hostile
 * input cannot exhaust the stack. Errors are `PkiFormatError`s; in the DER modes always CUSTOS_DER_MALFORMED.
 */
import { PkiFormatError } from '../problem.js';

export type Asn1Mode = 'ber' | 'lenient-der' | 'strict-der';

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
  /** [0] constructed, context-specific. */
  CONTEXT_0: 0xa0,
  /** [0] primitive, context-specific. */
  CONTEXT_0_PRIMITIVE: 0x80,
} as const;

/** Deepest nesting any reader follows (indefinite lengths, constructed strings, trees). */
export const MAX_DEPTH = 48;

export function malformed(message: string): never {
  throw new PkiFormatError('CUSTOS_DER_MALFORMED', message);
}

export class Asn1Cursor {
  /** Identifier octet of the element last read by next(). */
  tag = -1;
  /** Offset of the last element's first identifier octet. */
  tlvStart = 0;
  /** Offsets of the last element's content: [start, end). For an indefinite length, end is where its end-of-contents octets begin. */
  start = 0;
  end = 0;

  constructor(
    readonly bytes: Uint8Array,
    /** Offset of the next element. */
    public pos: number,
    /** End of the range this cursor reads. */
    readonly limit: number,
    readonly mode: Asn1Mode = 'lenient-der',
    readonly depth = 0,
  ) {}

  hasMore(): boolean {
    return this.pos < this.limit;
  }

  /** The identifier octet of the next element without reading it, or -1 at the end. */
  peek(): number {
    return this.pos < this.limit ? this.bytes[this.pos]! : -1;
  }

  /** Reads the next element's header, moves past the element, and returns its identifier octet. */
  next(what: string): number {
    const bytes = this.bytes;
    const limit = this.limit;
    let p = this.pos;
    if (p >= limit) this.fail(`${what}: missing (the enclosing element ends at byte ${limit})`);
    this.tlvStart = p;
    const tag = bytes[p++]!;
    if ((tag & 0x1f) === 0x1f) {
      if (this.mode === 'strict-der') malformed(`${what}: high tag number form at byte ${this.tlvStart}`);
      let octets = 0;
      let more = true;
      while (more) {
        if (p >= limit) this.fail(`${what}: ends inside the tag at byte ${this.tlvStart}`);
        if (++octets > 4) malformed(`${what}: tag number too large at byte ${this.tlvStart}`);
        more = (bytes[p++]! & 0x80) !== 0;
      }
    }
    if (p >= limit) this.fail(`${what}: length missing at byte ${p}`);
    let length = bytes[p++]!;
    if (length & 0x80) {
      const octets = length & 0x7f;
      if (octets === 0) return this.indefinite(tag, p, what);
      if (octets > 4) malformed(`${what}: length of ${octets} octets at byte ${p - 1}`);
      if (octets > limit - p) this.fail(`${what}: ends inside the length at byte ${p - 1}`);
      if (this.mode === 'strict-der' && bytes[p] === 0)
        malformed(`${what}: non-minimal length at byte ${p - 1}`);
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + bytes[p++]!;
      if (this.mode === 'strict-der' && length < 0x80)
        malformed(`${what}: non-minimal length at byte ${p - 1}`);
    }
    if (length > limit - p) {
      this.fail(
        `${what}: length ${length} at byte ${this.tlvStart} runs ${length - (limit - p)} bytes past its end`,
      );
    }
    this.tag = tag;
    this.start = p;
    this.end = p + length;
    this.pos = this.end;
    return tag;
  }

  /** BER's indefinite length: the contents run to the end-of-contents octets (00 00) at this level. */
  private indefinite(tag: number, contentStart: number, what: string): number {
    if (this.mode !== 'ber') malformed(`${what}: indefinite length at byte ${this.tlvStart} (not DER)`);
    if ((tag & 0x20) === 0) malformed(`${what}: indefinite length on a primitive at byte ${this.tlvStart}`);
    if (this.depth >= MAX_DEPTH) malformed('ASN.1 nesting is too deep');
    const inner = new Asn1Cursor(this.bytes, contentStart, this.limit, 'ber', this.depth + 1);
    for (;;) {
      if (inner.pos + 2 > this.limit)
        this.fail(`${what}: indefinite-length value at byte ${this.tlvStart} has no end`);
      if (this.bytes[inner.pos] === 0 && this.bytes[inner.pos + 1] === 0) break;
      inner.next(what);
    }
    this.tag = tag;
    this.start = contentStart;
    this.end = inner.pos;
    this.pos = inner.pos + 2;
    return tag;
  }

  /** Reads the next element and requires its identifier octet. */
  expect(tag: number, what: string): void {
    if (this.next(what) !== tag) {
      malformed(`${what}: expected tag 0x${hex2(tag)}, found 0x${hex2(this.tag)} at byte ${this.tlvStart}`);
    }
  }

  /** A cursor over the content of the element last read. */
  inner(): Asn1Cursor {
    if (this.depth >= MAX_DEPTH) malformed('ASN.1 nesting is too deep');
    return new Asn1Cursor(this.bytes, this.start, this.end, this.mode, this.depth + 1);
  }

  /** Requires that nothing is left in this cursor's range. */
  finish(what: string): void {
    if (this.pos !== this.limit)
      malformed(`${what}: ${this.limit - this.pos} unexpected bytes at byte ${this.pos}`);
  }

  /** A length that runs past the end: in BER mode past the end of the whole input, the input was cut. */
  private fail(message: string): never {
    const cut = this.mode === 'ber' && this.limit >= this.bytes.length;
    throw new PkiFormatError(cut ? 'CUSTOS_FILE_TRUNCATED' : 'CUSTOS_DER_MALFORMED', message);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

import { isUtf8 } from 'node:buffer';

/**
 * A file name as text. Linux names are bytes, not text: a name that is not valid UTF-8 (a Latin-1 name copied from
 * an old system, a corrupted name) keeps every valid character and shows each byte of an invalid sequence as `\xHH`
 * (`caf\xe9.pem`), so it can be printed, stored as a location path and found again on the next scan. The same bytes
 * always give the same text. A valid name is returned as it is (a valid name that happens to spell `\xe9` shows the
 * same text as the byte; the walker reads by the bytes it found, see LocalFileTree).
 */
export function fileNameText(name: Buffer): string {
  if (isUtf8(name)) return name.toString('utf8');
  let text = '';
  let start = 0;
  let i = 0;
  while (i < name.length) {
    const length = sequenceLength(name, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += name.toString('utf8', start, i) + `\\x${(name[i] as number).toString(16).padStart(2, '0')}`;
    i += 1;
    start = i;
  }
  return text + name.toString('utf8', start);
}

const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/** The length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0 if the byte there starts none. */
function sequenceLength(bytes: Buffer, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const b1 = bytes[i + 1];
  if (b0 >= 0xc2 && b0 <= 0xdf) return isContinuation(b1) ? 2 : 0;
  if (b1 === undefined) return 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return b1 >= low && b1 <= high && isContinuation(bytes[i + 2]) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return b1 >= low && b1 <= high && isContinuation(bytes[i + 2]) && isContinuation(bytes[i + 3]) ? 4 : 0;
  }
  return 0;
}

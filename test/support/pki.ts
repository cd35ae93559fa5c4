/**
 * Small helpers the pki unit tests share: hex in and out, the code a PkiFormatError carries, and what a
 * container read found (fingerprints of its certificates, codes of its problems).
 */
import { createHash } from 'node:crypto';
import type { ReadContainerResult } from '../../src/pki/formats/container-types.js';
import { PkiFormatError } from '../../src/pki/problem.js';

/** Bytes of a hex string; white space is ignored, so a test can group the octets of a TLV. */
export const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

export const toHex = (bytes: ArrayBuffer | Uint8Array): string =>
  Buffer.from(new Uint8Array(bytes)).toString('hex');

/** The code of the PkiFormatError `fn` throws, undefined when it returns. */
export function problemCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof PkiFormatError ? error.code : 'not a PkiFormatError';
  }
}

/** SHA-256 fingerprints of the certificates a container read found, in order. */
export const fingerprintsOf = (result: ReadContainerResult): string[] =>
  result.certificates.map((c) => createHash('sha256').update(c.der).digest('hex'));

/** The codes of the problems a container read reported, in order. */
export const problemCodesOf = (result: ReadContainerResult): string[] => result.problems.map((p) => p.code);

/** Writes PEM (RFC 7468 §2): the label, the DER in base64 lines of 64 characters, and a line end after each line. */
export function pemBlock(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Certificates as PEM, one block each, in the order given. */
export const certificatesPem = (certificates: readonly Uint8Array[]): string =>
  certificates.map((der) => pemBlock('CERTIFICATE', der)).join('');

/** The DER of the first block of this label in a PEM text (what pemBlock wrote), or null when there is none. */
export function pemBlockDer(label: string, text: string): Uint8Array | null {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*)-----END ${label}-----`).exec(text);
  return match === null ? null : new Uint8Array(Buffer.from(match[1]!, 'base64'));
}

/**
 * Reads a distinguished name as people write it on a command line: RFC 4514 text (`CN=Custos Root CA, O=Acme`,
 * the most specific attribute first, as Custos prints names) or OpenSSL's `-subj` form (`/O=Acme/CN=Custos Root
 * CA`, in encoded order). A backslash escapes the next character (`O=Acme\, Inc.`).
 */
import { PkiFormatError } from '../../problem.js';
import type { DistinguishedName, NameAttribute } from './distinguished-name.js';

function split(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) current += text[++i];
    else if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function attribute(part: string, whole: string): NameAttribute {
  const equals = part.indexOf('=');
  const type = part.slice(0, equals).trim();
  const value = part.slice(equals + 1).trim();
  if (equals <= 0 || value === '')
    throw new PkiFormatError(
      'CUSTOS_PKI_PARAMETER_INVALID',
      `"${whole}" is not a distinguished name: write TYPE=value pairs, e.g. "CN=Custos Root CA, O=Example"`,
    );
  return { type, value };
}

/** The name's RDNs in encoded order; CUSTOS_PKI_PARAMETER_INVALID for text that is not a name. */
export function parseDistinguishedName(text: string): DistinguishedName {
  const trimmed = text.trim();
  const slashForm = trimmed.startsWith('/');
  const parts = slashForm ? split(trimmed.slice(1), '/') : split(trimmed, ',');
  const rdns = parts.map((part) => [attribute(part, text)]);
  return slashForm ? rdns : rdns.reverse();
}

/**
 * x509-certificate-exporter's name labels: `subject_C`, `subject_ST`, `subject_L`, `subject_O`, `subject_OU`,
 * `subject_CN` (and the same `issuer_*`), each only when the name has that attribute, with the value Go's
 * `pkix.Name` gives it: the first C, street, L, O and OU in encoded order, and the last CN (Go keeps overwriting
 * `CommonName`). Attributes whose value is not a string (printed as `#` and hex) are skipped, as Go skips them.
 * `_ST` holds the streetAddress, not the stateOrProvinceName: the exporter's collector.go fills it from
 * `StreetAddress[0]`, and rules written for it match that.
 */

/** The exporter's labels, in its order, with the attribute (as Custos prints its type) each one holds. */
const EXPORTED = [
  ['C', 'C'],
  ['ST', 'street'],
  ['L', 'L'],
  ['O', 'O'],
  ['OU', 'OU'],
  ['CN', 'CN'],
] as const;

/** The labels `${prefix}_C` ... `${prefix}_CN` of a name as Custos prints it (RFC 4514, the last RDN first). */
export function nameLabels(prefix: 'subject' | 'issuer', name: string): Record<string, string> {
  const first = new Map<string, string>();
  let commonName: string | undefined;
  for (const { type, value } of attributesInEncodedOrder(name)) {
    if (type === 'CN') commonName = value;
    else if (!first.has(type)) first.set(type, value);
  }
  const labels: Record<string, string> = {};
  for (const [label, type] of EXPORTED) {
    const value = type === 'CN' ? commonName : first.get(type);
    if (value !== undefined) labels[`${prefix}_${label}`] = value;
  }
  return labels;
}

/**
 * The string-valued attributes of a printed name in the certificate's encoded order. The printed form
 * (src/pki/x509/names.ts) joins the RDNs with ", " from the last to the first and the attributes of one RDN with
 * "+", and escapes a special character as `\c` and a CR, LF or TAB as `\0D`, `\0A`, `\09`; a value that is not a
 * string is `#` and the hex of its encoding (a `#` that starts a string is escaped).
 */
function attributesInEncodedOrder(name: string): Array<{ type: string; value: string }> {
  const attributes: Array<{ type: string; value: string }> = [];
  for (const rdn of splitUnescaped(name, ',').reverse())
    for (const attribute of splitUnescaped(rdn.trimStart(), '+')) {
      const equals = attribute.indexOf('=');
      const raw = attribute.slice(equals + 1);
      if (equals <= 0 || raw.startsWith('#')) continue;
      attributes.push({ type: attribute.slice(0, equals), value: unescape(raw) });
    }
  return attributes;
}

/** `text` cut at each `separator` that is not escaped, the escapes kept. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const ESCAPE = /\\(?:([0-9A-Fa-f]{2})|(.))/gs;

function unescape(value: string): string {
  return value.replace(ESCAPE, (_, hex: string | undefined, c: string | undefined) =>
    hex === undefined ? (c as string) : String.fromCharCode(parseInt(hex, 16)),
  );
}

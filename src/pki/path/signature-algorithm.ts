/** Signature algorithms by OID, with the digest that decides whether a signature is weak. */
export interface SignatureAlgorithm {
  oid: string;
  name: string;
  /** The digest ('MD2', 'MD5', 'SHA-1', 'SHA-256', ...), null for algorithms with the hash built in (EdDSA) or unknown. */
  hash: string | null;
  /** MD2, MD5 or SHA-1: refused by WebPKI clients. */
  weak: boolean;
  /** An algorithm WebPKI clients accept at all (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, EdDSA). */
  known: boolean;
}

const ALGORITHMS: Record<string, [name: string, hash: string | null]> = {
  '1.2.840.113549.1.1.2': ['md2WithRSAEncryption', 'MD2'],
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'MD5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'SHA-1'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'SHA-224'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'SHA-256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'SHA-384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'SHA-512'],
  '1.2.840.113549.1.1.10': ['rsassaPss', null],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'SHA-1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'SHA-224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'SHA-256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'SHA-384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'SHA-512'],
  '1.3.101.112': ['Ed25519', null],
  '1.3.101.113': ['Ed448', null],
  '1.2.840.10040.4.3': ['dsa-with-sha1', 'SHA-1'],
  '2.16.840.1.101.3.4.3.2': ['dsa-with-sha256', 'SHA-256'],
};

const WEAK = new Set(['MD2', 'MD5', 'SHA-1']);

export function signatureAlgorithmOf(oid: string): SignatureAlgorithm {
  const entry = ALGORITHMS[oid];
  if (!entry) return { oid, name: oid, hash: null, weak: false, known: false };
  const [name, hash] = entry;
  return { oid, name, hash, weak: hash !== null && WEAK.has(hash), known: !name.startsWith('dsa') };
}

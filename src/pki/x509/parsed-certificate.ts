/**
 * The fields of an X.509 certificate that the inventory keeps, as read from its DER.
 * Produced by the lean reader (`lean-reader.ts`) on the hot path of scans. Path validation's certificate
 * (src/pki/path/path-certificate.ts) extends it with what RFC 5280 processing reads, from the same walk.
 */
import type { KeyAlgorithm } from '../asn1/algorithms.js';

export type { KeyAlgorithm };

export interface SubjectAltNames {
  /** dNSName entries, as encoded (no case folding). */
  dns: string[];
  /** iPAddress entries: dotted IPv4 or RFC 5952 IPv6 text. */
  ip: string[];
  /** uniformResourceIdentifier entries (a SPIFFE ID is one of these). */
  uri: string[];
  /** rfc822Name entries. */
  email: string[];
}

export interface ParsedCertificate {
  /** The certificate's DER bytes. */
  der: Uint8Array;
  /** SHA-256 of the DER, lower-case hex without colons: the certificate's identity in Custos. */
  fingerprintSha256: string;
  /** Serial number as lower-case hex without leading zero bytes (as `openssl x509 -serial`, lower-cased). */
  serialNumber: string;
  /**
   * Subject distinguished name in RFC 4514 order, the last RDN first ("CN=api.example.com, O=Example, C=DE"), each
   * RDN as @peculiar/x509 prints it.
   */
  subject: string;
  /** Issuer distinguished name, same form as `subject`. */
  issuer: string;
  /** The subject's common name, if any (the last CN attribute). */
  commonName: string | null;
  subjectAltNames: SubjectAltNames;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: KeyAlgorithm;
  /** Key size in bits: the modulus size for RSA, the curve size for ECDSA (256, 384, 521), 256/456 for Ed25519/Ed448. */
  keySize: number | null;
  /** The named curve of an ECDSA key ("P-256", "P-384", "P-521", or the OID), else null. */
  curve: string | null;
  /** Signature algorithm name, e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256", "Ed25519", or the OID. */
  signatureAlgorithm: string;
  /** basicConstraints cA flag. */
  isCA: boolean;
  /** basicConstraints pathLenConstraint, if present. */
  pathLength: number | null;
  /** extendedKeyUsage KeyPurposeId OIDs in certificate order, null when the extension is absent. */
  extendedKeyUsage: string[] | null;
  /** Subject equals issuer and, when both are present, the AKI equals the SKI. */
  selfSigned: boolean;
  /** The first URI SAN with the spiffe:// scheme. */
  spiffeId: string | null;
  /** subjectKeyIdentifier, lower-case hex. */
  subjectKeyId: string | null;
  /** authorityKeyIdentifier keyIdentifier, lower-case hex. */
  authorityKeyId: string | null;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex: matches a private key to its certificate. */
  publicKeySha256: string;
  /** X.509 version (1, 2 or 3). */
  version: number;
}

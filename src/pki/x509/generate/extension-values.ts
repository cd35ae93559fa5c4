/**
 * The DER values of the extensions the generators write (RFC 5280 §4.2 and §5.2-5.3; the OCSP nonce of
 * RFC 8954), each encoded through the maintained @peculiar/asn1-x509 schema of that extension, except the two
 * that change with every issued leaf: subjectAltName and subjectKeyIdentifier are hand-encoded, and the values
 * that repeat from leaf to leaf (key usages, AKI, AIA, CRL distribution points, policies) are encoded once and
 * remembered. Measured in the same bench/generate.ts run (see tbs-certificate.ts; load 14-16, raw P-256
 * signing 11,022/s): a leaf's subject, SAN and SKI through the schemas 2,576 leaves/s, hand-encoded 8,576/s
 * (at load 5: 6,640/s and 33,758/s beside raw signing's 18,197/s);
 * before the repeating values were remembered, the schemas made a leaf's seven values cost several times its
 * signature. extension-values.test.ts checks the hand encodings against the schemas'.
 * An `Extension` is what goes into a certificate, CSR, CRL, CRL entry or OCSP response as it is; the values
 * returned are shared (remembered), so never modify one.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { parseIpAddress } from '../../ip-address.js';
import { PkiFormatError } from '../../problem.js';
import { TAG } from '../../asn1/reader.js';
import { tlv } from './der-writer.js';

export interface Extension {
  /** Dotted OID. */
  oid: string;
  critical: boolean;
  /** The DER of the extension value (what goes inside extnValue's OCTET STRING). */
  value: Uint8Array;
}

export const EXTENSION_OID = {
  subjectKeyIdentifier: asn1.id_ce_subjectKeyIdentifier,
  keyUsage: asn1.id_ce_keyUsage,
  subjectAltName: asn1.id_ce_subjectAltName,
  basicConstraints: asn1.id_ce_basicConstraints,
  cRLNumber: asn1.id_ce_cRLNumber,
  cRLReason: asn1.id_ce_cRLReasons,
  invalidityDate: asn1.id_ce_invalidityDate,
  nameConstraints: asn1.id_ce_nameConstraints,
  cRLDistributionPoints: asn1.id_ce_cRLDistributionPoints,
  certificatePolicies: asn1.id_ce_certificatePolicies,
  authorityKeyIdentifier: asn1.id_ce_authorityKeyIdentifier,
  extKeyUsage: asn1.id_ce_extKeyUsage,
  authorityInfoAccess: asn1.id_pe_authorityInfoAccess,
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
} as const;

/** A GeneralName (RFC 5280 §4.2.1.6) as the generators take it. */
export type GeneralNameInput =
  | { dns: string }
  | { ip: string }
  | { uri: string }
  | { email: string }
  /** A DER Name. */
  | { directoryName: Uint8Array };

export type KeyUsageName = keyof typeof asn1.KeyUsageFlags;

/** RFC 5280 §5.3.1 reason codes (7 is not used). */
export type RevocationReason = keyof typeof asn1.CRLReasons;

const EXTENDED_KEY_USAGE = {
  serverAuth: asn1.id_kp_serverAuth,
  clientAuth: asn1.id_kp_clientAuth,
  codeSigning: asn1.id_kp_codeSigning,
  emailProtection: asn1.id_kp_emailProtection,
  timeStamping: asn1.id_kp_timeStamping,
  OCSPSigning: asn1.id_kp_OCSPSigning,
} as const;

/** A named extended key usage, or any purpose as a dotted OID. */
export type ExtendedKeyUsageName = keyof typeof EXTENDED_KEY_USAGE | `${number}.${number}.${string}`;

function invalid(message: string): never {
  throw new PkiFormatError('CUSTOS_PKI_PARAMETER_INVALID', message);
}

/** DER's GeneralizedTime carries no fraction here (RFC 5280 §4.1.2.5.2, and what clients expect in OCSP). */
export const wholeSeconds = (date: Date): Date => new Date(Math.floor(date.getTime() / 1000) * 1000);

const der = (value: unknown): Uint8Array => new Uint8Array(AsnConvert.serialize(value));

const remembered = new Map<string, Extension>();

/** The extension made once per distinct input (bounded: the cache starts over past 4,096 entries). */
function remember(key: string, make: () => Extension): Extension {
  let extension = remembered.get(key);
  if (!extension) {
    if (remembered.size >= 4096) remembered.clear();
    extension = make();
    remembered.set(key, extension);
  }
  return extension;
}

/**
 * An IP address as asn1-x509's converter reads it: dotted IPv4, or IPv6 as eight uncompressed groups (its
 * parser does not know every RFC 4291 form, so the project's own parser reads the caller's text first).
 */
function ipText(text: string, what: string): string {
  const bytes = parseIpAddress(text) ?? invalid(`${what}: "${text}" is not an IPv4 or IPv6 address`);
  if (bytes.length === 4) return [...bytes].join('.');
  return Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(
    ':',
  );
}

/** A name-constraint subtree base as asn1-x509's GeneralName (an `ip` is ADDRESS/PREFIX). */
function subtreeBase(name: GeneralNameInput): asn1.GeneralName {
  if ('dns' in name) return new asn1.GeneralName({ dNSName: name.dns });
  if ('uri' in name) return new asn1.GeneralName({ uniformResourceIdentifier: name.uri });
  if ('email' in name) return new asn1.GeneralName({ rfc822Name: name.email });
  if ('directoryName' in name)
    return new asn1.GeneralName({ directoryName: AsnConvert.parse(name.directoryName, asn1.Name) });
  const [address, prefix] = name.ip.split('/');
  const text = ipText(address ?? '', 'name constraint iPAddress');
  const bits = Number(prefix);
  const max = text.includes(':') ? 128 : 32;
  if (!/^\d+$/.test(prefix ?? '') || bits > max)
    invalid(`name constraint iPAddress: "${name.ip}" is not ADDRESS/PREFIX with a prefix of 0 to ${max}`);
  return new asn1.GeneralName({ iPAddress: `${text}/${bits}` });
}

/** RFC 5280 §4.2.1.9; critical as §4.2.1.9 requires on CA certificates. */
export function basicConstraints(ca: boolean, pathLength?: number): Extension {
  return remember(`bc:${ca}:${pathLength}`, () => ({
    oid: EXTENSION_OID.basicConstraints,
    critical: true,
    value: der(new asn1.BasicConstraints({ cA: ca, pathLenConstraint: ca ? pathLength : undefined })),
  }));
}

/** RFC 5280 §4.2.1.3, critical. */
export function keyUsage(usages: readonly KeyUsageName[]): Extension {
  const flags = usages.reduce((all, usage) => all | asn1.KeyUsageFlags[usage], 0);
  return remember(`ku:${flags}`, () => ({
    oid: EXTENSION_OID.keyUsage,
    critical: true,
    value: der(new asn1.KeyUsage(flags)),
  }));
}

/** RFC 5280 §4.2.1.12, not critical. */
export function extendedKeyUsage(usages: readonly ExtendedKeyUsageName[]): Extension {
  const oids = usages.map((u) => (u in EXTENDED_KEY_USAGE ? EXTENDED_KEY_USAGE[u as 'serverAuth'] : u));
  return remember(`eku:${oids.join(',')}`, () => ({
    oid: EXTENSION_OID.extKeyUsage,
    critical: false,
    value: der(new asn1.ExtendedKeyUsage(oids)),
  }));
}

function ia5(text: string, what: string): Uint8Array {
  if (!/^\p{ASCII}*$/u.test(text)) invalid(`${what}: "${text}" is not ASCII (IA5String)`);
  return Buffer.from(text, 'latin1');
}

/** A GeneralName, hand-encoded (RFC 5280 §4.2.1.6: [1] rfc822Name, [2] dNSName, [4] directoryName,
 * [6] URI, [7] iPAddress). */
function generalNameDer(name: GeneralNameInput): Uint8Array {
  if ('dns' in name) return tlv(0x82, ia5(name.dns, 'dNSName'));
  if ('uri' in name) return tlv(0x86, ia5(name.uri, 'uniformResourceIdentifier'));
  if ('email' in name) return tlv(0x81, ia5(name.email, 'rfc822Name'));
  if ('directoryName' in name) return tlv(0xa4, name.directoryName);
  return tlv(
    0x87,
    parseIpAddress(name.ip) ?? invalid(`iPAddress: "${name.ip}" is not an IPv4 or IPv6 address`),
  );
}

/** RFC 5280 §4.2.1.6: critical exactly when the subject is empty. Hand-encoded (see the top). */
export function subjectAltName(names: readonly GeneralNameInput[], subjectEmpty = false): Extension {
  const value = tlv(TAG.SEQUENCE, ...names.map(generalNameDer));
  return { oid: EXTENSION_OID.subjectAltName, critical: subjectEmpty, value };
}

/** RFC 5280 §4.2.1.2, not critical. */
export function subjectKeyIdentifier(keyIdentifier: Uint8Array): Extension {
  const value = tlv(TAG.OCTET_STRING, keyIdentifier); // KeyIdentifier ::= OCTET STRING, hand-encoded
  return { oid: EXTENSION_OID.subjectKeyIdentifier, critical: false, value };
}

/** RFC 5280 §4.2.1.1: a keyIdentifier only, not critical. */
export function authorityKeyIdentifier(keyIdentifier: Uint8Array): Extension {
  return remember(`aki:${Buffer.from(keyIdentifier).toString('hex')}`, () => ({
    oid: EXTENSION_OID.authorityKeyIdentifier,
    critical: false,
    value: der(new asn1.AuthorityKeyIdentifier({ keyIdentifier: new asn1.KeyIdentifier(keyIdentifier) })),
  }));
}

/** RFC 5280 §4.2.2.1: CA issuers and OCSP URLs, not critical. */
export function authorityInfoAccess(access: { caIssuers?: string[]; ocsp?: string[] }): Extension {
  return remember(`aia:${JSON.stringify([access.ocsp, access.caIssuers])}`, () => encodeAia(access));
}

function encodeAia(access: { caIssuers?: string[]; ocsp?: string[] }): Extension {
  const describe = (method: string, urls: string[] = []) =>
    urls.map(
      (url) =>
        new asn1.AccessDescription({
          accessMethod: method,
          accessLocation: new asn1.GeneralName({ uniformResourceIdentifier: url }),
        }),
    );
  const value = der(
    new asn1.AuthorityInfoAccessSyntax([
      ...describe(asn1.id_ad_ocsp, access.ocsp),
      ...describe(asn1.id_ad_caIssuers, access.caIssuers),
    ]),
  );
  return { oid: EXTENSION_OID.authorityInfoAccess, critical: false, value };
}

/** RFC 5280 §4.2.1.13: one distribution point per URL, with a fullName; not critical. */
export function crlDistributionPoints(urls: readonly string[]): Extension {
  return remember(`cdp:${JSON.stringify(urls)}`, () => encodeCdp(urls));
}

function encodeCdp(urls: readonly string[]): Extension {
  const points = urls.map(
    (url) =>
      new asn1.DistributionPoint({
        distributionPoint: new asn1.DistributionPointName({
          fullName: [new asn1.GeneralName({ uniformResourceIdentifier: url })],
        }),
      }),
  );
  const value = der(new asn1.CRLDistributionPoints(points));
  return { oid: EXTENSION_OID.cRLDistributionPoints, critical: false, value };
}

export interface NameConstraintsInput {
  /** An `ip` subtree is ADDRESS/PREFIX ("10.0.0.0/8", "2001:db8::/32"). */
  permitted?: GeneralNameInput[];
  excluded?: GeneralNameInput[];
}

/** RFC 5280 §4.2.1.10, critical. */
export function nameConstraints(constraints: NameConstraintsInput): Extension {
  const subtrees = (names?: GeneralNameInput[]) =>
    names && names.length > 0
      ? new asn1.GeneralSubtrees(names.map((name) => new asn1.GeneralSubtree({ base: subtreeBase(name) })))
      : undefined;
  const value = der(
    new asn1.NameConstraints({
      permittedSubtrees: subtrees(constraints.permitted),
      excludedSubtrees: subtrees(constraints.excluded),
    }),
  );
  return { oid: EXTENSION_OID.nameConstraints, critical: true, value };
}

/** RFC 5280 §4.2.1.4: policy OIDs, each with an optional CPS URI qualifier; not critical. */
export function certificatePolicies(policies: readonly { oid: string; cpsUri?: string }[]): Extension {
  return remember(`cp:${JSON.stringify(policies)}`, () => encodePolicies(policies));
}

function encodePolicies(policies: readonly { oid: string; cpsUri?: string }[]): Extension {
  const information = policies.map(
    (policy) =>
      new asn1.PolicyInformation({
        policyIdentifier: policy.oid,
        policyQualifiers: policy.cpsUri
          ? [
              new asn1.PolicyQualifierInfo({
                policyQualifierId: asn1.id_qt_csp,
                qualifier: AsnConvert.serialize(new asn1.Qualifier({ cPSuri: policy.cpsUri })),
              }),
            ]
          : undefined,
      }),
  );
  const value = der(new asn1.CertificatePolicies(information));
  return { oid: EXTENSION_OID.certificatePolicies, critical: false, value };
}

/** RFC 5280 §5.2.3, not critical. A CRL number is at most 20 octets; here up to 2^53 - 1. */
export function crlNumber(number: number): Extension {
  if (!Number.isSafeInteger(number) || number < 0)
    invalid(`cRLNumber ${number} is not a non-negative integer`);
  return { oid: EXTENSION_OID.cRLNumber, critical: false, value: der(new asn1.CRLNumber(number)) };
}

/** RFC 5280 §5.3.1, a CRL entry extension, not critical. */
export function crlReason(reason: RevocationReason): Extension {
  const value = der(new asn1.CRLReason(asn1.CRLReasons[reason]));
  return { oid: EXTENSION_OID.cRLReason, critical: false, value };
}

/** RFC 5280 §5.3.2, a CRL entry extension (GeneralizedTime), not critical. */
export function invalidityDate(date: Date): Extension {
  const value = der(new asn1.InvalidityDate(wholeSeconds(date)));
  return { oid: EXTENSION_OID.invalidityDate, critical: false, value };
}

/** An `Extension` as asn1-x509's schema class, for the structures encoded through the schemas. */
export function toAsnExtension(extension: Extension): asn1.Extension {
  return new asn1.Extension({
    extnID: extension.oid,
    critical: extension.critical,
    extnValue: new OctetString(extension.value),
  });
}

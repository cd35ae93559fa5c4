/**
 * Writes an X.509 v2 CRL (RFC 5280 §5) through @peculiar/asn1-x509's TBSCertList schema: CRL number,
 * authority key identifier, thisUpdate/nextUpdate, and revoked entries with reason codes and invalidity dates.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { invalidParameter as invalid } from '../../problem.js';
import { authorityKeyIdentifierExtension } from '../extensions/authority-key-identifier.js';
import { crlNumberExtension } from '../extensions/crl-number.js';
import { crlReasonExtension, type RevocationReason } from '../extensions/crl-reason.js';
import { toAsnExtension, type Extension } from '../extensions/extension-value.js';
import { invalidityDateExtension } from '../extensions/invalidity-date.js';
import { encodeSigned } from './der-writer.js';
import { encodeName, type DistinguishedName } from './distinguished-name.js';
import { keyIdentifier } from './key-identifier.js';
import { serialNumberContent } from './serial-number.js';
import { signatureAlgorithmIdentifier, type Signer } from './signer.js';

export interface RevokedEntry {
  /** The revoked certificate's serial number (big-endian magnitude). */
  serialNumber: Uint8Array;
  revocationDate: Date;
  /** Written as a cRLReason entry extension unless `unspecified` or absent (RFC 5280 §5.3.1 says to omit
   * unspecified). */
  reason?: RevocationReason;
  /** When the key is known or suspected to have been compromised (RFC 5280 §5.3.2). */
  invalidityDate?: Date;
}

export interface CrlParams {
  /** The CA's subject, best as the DER copied from its certificate. */
  issuer: DistinguishedName;
  /** Monotonically increasing per CA (RFC 5280 §5.2.3). */
  crlNumber: number;
  thisUpdate: Date;
  /** RFC 5280 §5.1.2.5: conforming CAs always include it. */
  nextUpdate: Date;
  revoked?: readonly RevokedEntry[];
  /** authorityKeyIdentifier: default the SHA-1 of the signer's key (the CA's SKI if it was made so). */
  authorityKeyIdentifier?: Uint8Array;
  /** Further CRL extensions (issuingDistributionPoint, ...), after cRLNumber and the AKI. */
  extensions?: readonly Extension[];
}

/** The DER CertificateList, signed by the CA's signer. */
export async function generateCrl(params: CrlParams, signer: Signer): Promise<Uint8Array> {
  if (!(params.nextUpdate.getTime() > params.thisUpdate.getTime()))
    invalid('nextUpdate: must be after thisUpdate (RFC 5280 §5.1.2.5)');
  const algorithm = signatureAlgorithmIdentifier(signer.algorithm);
  const revoked = (params.revoked ?? []).map((entry) => {
    const extensions: Extension[] = [];
    if (entry.reason && entry.reason !== 'unspecified') extensions.push(crlReasonExtension(entry.reason));
    if (entry.invalidityDate) extensions.push(invalidityDateExtension(entry.invalidityDate));
    return new asn1.RevokedCertificate({
      userCertificate: new Uint8Array(serialNumberContent(entry.serialNumber)).buffer,
      revocationDate: new asn1.Time(entry.revocationDate),
      crlEntryExtensions: extensions.length > 0 ? extensions.map(toAsnExtension) : undefined,
    });
  });
  const extensions = [
    authorityKeyIdentifierExtension(params.authorityKeyIdentifier ?? keyIdentifier(signer.publicKeySpki)),
    crlNumberExtension(params.crlNumber),
    ...(params.extensions ?? []),
  ];
  const tbs = new Uint8Array(
    AsnConvert.serialize(
      new asn1.TBSCertList({
        version: asn1.Version.v2,
        signature: AsnConvert.parse(algorithm, asn1.AlgorithmIdentifier),
        issuer: AsnConvert.parse(encodeName(params.issuer), asn1.Name),
        thisUpdate: new asn1.Time(params.thisUpdate),
        nextUpdate: new asn1.Time(params.nextUpdate),
        revokedCertificates: revoked.length > 0 ? revoked : undefined,
        crlExtensions: extensions.map(toAsnExtension),
      }),
    ),
  );
  return encodeSigned(tbs, algorithm, await signer.sign(tbs));
}

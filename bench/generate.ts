/**
 * bench/generate: how fast the certificate writer turns an issuance into a signed DER leaf, and whether its
 * hand-encoded TBSCertificate (src/pki/x509/generate/tbs-certificate.ts) earns its place.
 *
 *   npm run bench -- generate          (node dist/bench/generate.js [--count 5000])
 *
 * One P-256 CA issues P-256 leaves that carry what the built-in CA writes: subject CN, SAN (two DNS names and
 * an IP), keyUsage, extKeyUsage, SKI, AKI, AIA (OCSP and CA issuers) and CRL distribution points; each leaf has
 * its own serial and key. Printed on one core, in the same run, each the best of three passes:
 *   - raw crypto.sign P-256 over a TBS-sized input (the ceiling for signed certificates);
 *   - a leaf's own values (subject name, SAN, SKI) through the schemas vs hand-encoded;
 *   - the TBSCertificate structure through @peculiar/asn1-x509's schema vs by hand (the same extension values
 *     in both, the leaf's SPKI arriving as DER as it does from a CSR);
 *   - whole signed certificates both ways (generateCertificate is the hand-encoded one);
 *   - CRL (100 entries) and OCSP responses through the schemas, the cold paths.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { nodeSigner } from '../src/connectors/crypto/node-signer.js';
import {
  certificateExtensions,
  generateCertificate,
  type CertificateParams,
} from '../src/pki/x509/generate/certificate.js';
import { generateCrl } from '../src/pki/x509/generate/crl.js';
import { encodeSigned } from '../src/pki/x509/generate/der-writer.js';
import { encodeName } from '../src/pki/x509/generate/distinguished-name.js';
import { toAsnExtension } from '../src/pki/x509/extensions/extension-value.js';
import { encodeSubjectAltName } from '../src/pki/x509/extensions/subject-alt-name.js';
import { encodeSubjectKeyIdentifier } from '../src/pki/x509/extensions/subject-key-identifier.js';
import { issuerIdentity } from '../src/pki/x509/generate/issuer-identity.js';
import { keyIdentifier } from '../src/pki/x509/generate/key-identifier.js';
import { certIdFor, generateOcspResponse } from '../src/pki/x509/generate/ocsp-response.js';
import { serialNumberContent } from '../src/pki/x509/generate/serial-number.js';
import { signatureAlgorithmIdentifier } from '../src/pki/x509/generate/signer.js';
import { encodeTbsCertificate } from '../src/pki/x509/generate/tbs-certificate.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '5000' } } });
const COUNT = Number(values.count);
const NOW = new Date('2026-12-03T10:00:00Z');

const caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const caSigner = nodeSigner(caKey);
const caDer = await generateCertificate(
  {
    serialNumber: new Uint8Array([1]),
    subject: [[{ type: 'O', value: 'Bench' }], [{ type: 'CN', value: 'Bench Issuing CA' }]],
    notBefore: NOW,
    notAfter: new Date('2036-01-01T00:00:00Z'),
    ca: { pathLength: 0 },
  },
  caSigner,
);
const ca = issuerIdentity(caDer);
const leafKeys = Array.from({ length: 64 }, () =>
  nodeSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
);

function leafParams(i: number): CertificateParams {
  const serial = new Uint8Array(16);
  new DataView(serial.buffer).setUint32(12, i + 1);
  serial[0] = 0x5e;
  return {
    serialNumber: serial,
    subject: [[{ type: 'CN', value: `svc-${i}.example.com` }]],
    issuer: ca.subject,
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + 30 * 86_400_000),
    publicKeySpki: leafKeys[i % leafKeys.length]!.publicKeySpki,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    subjectAltNames: [{ dns: `svc-${i}.example.com` }, { dns: `svc-${i}.internal` }, { ip: '10.0.0.1' }],
    authorityKeyIdentifier: ca.subjectKeyIdentifier,
    authorityInfoAccess: {
      ocsp: ['http://ca.example.com/ocsp'],
      caIssuers: ['http://ca.example.com/ca.crt'],
    },
    crlDistributionPoints: ['http://ca.example.com/crl/issuing.crl'],
  };
}

const algorithm = signatureAlgorithmIdentifier(caSigner.algorithm);
const algorithmSchema = AsnConvert.parse(algorithm, asn1.AlgorithmIdentifier);
const issuerSchema = AsnConvert.parse(ca.subject, asn1.Name);

/** The TBSCertificate through @peculiar/asn1-x509's schema (what the hand encoder replaces). */
function schemaTbs(params: CertificateParams): Uint8Array {
  const subject = encodeName(params.subject);
  const spki = params.publicKeySpki!;
  const extensions = certificateExtensions(params, spki, caSigner.publicKeySpki, subject);
  return new Uint8Array(
    AsnConvert.serialize(
      new asn1.TBSCertificate({
        version: asn1.Version.v3,
        serialNumber: new Uint8Array(serialNumberContent(params.serialNumber)).buffer,
        signature: algorithmSchema,
        issuer: issuerSchema,
        validity: new asn1.Validity({ notBefore: params.notBefore, notAfter: params.notAfter }),
        subject: AsnConvert.parse(subject, asn1.Name),
        subjectPublicKeyInfo: AsnConvert.parse(spki, asn1.SubjectPublicKeyInfo),
        extensions: new asn1.Extensions(extensions.map(toAsnExtension)),
      }),
    ),
  );
}

/** The same TBSCertificate by hand (what generateCertificate does before signing). */
function handTbs(params: CertificateParams): Uint8Array {
  const subject = encodeName(params.subject);
  const spki = params.publicKeySpki!;
  return encodeTbsCertificate({
    serialNumber: serialNumberContent(params.serialNumber),
    signatureAlgorithm: algorithm,
    issuer: ca.subject,
    subject,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    subjectPublicKeyInfo: spki,
    extensions: certificateExtensions(params, spki, caSigner.publicKeySpki, subject),
  });
}

/** A leaf's own values (subject, SAN, SKI) through the schemas, as they were before they were hand-encoded. */
function schemaLeafValues(i: number): Uint8Array[] {
  const name = new asn1.Name([
    new asn1.RelativeDistinguishedName([
      new asn1.AttributeTypeAndValue({
        type: '2.5.4.3',
        value: new asn1.AttributeValue({ utf8String: `svc-${i}.example.com` }),
      }),
    ]),
  ]);
  const san = new asn1.SubjectAlternativeName([
    new asn1.GeneralName({ dNSName: `svc-${i}.example.com` }),
    new asn1.GeneralName({ dNSName: `svc-${i}.internal` }),
    new asn1.GeneralName({ iPAddress: '10.0.0.1' }),
  ]);
  const ski = new asn1.SubjectKeyIdentifier(keyIdentifier(leafKeys[i % leafKeys.length]!.publicKeySpki));
  return [name, san, ski].map((value) => new Uint8Array(AsnConvert.serialize(value)));
}

/** The same values hand-encoded (encodeName, encodeSubjectAltName, encodeSubjectKeyIdentifier). */
function handLeafValues(i: number): Uint8Array[] {
  return [
    encodeName([[{ type: 'CN', value: `svc-${i}.example.com` }]]),
    encodeSubjectAltName([{ dns: `svc-${i}.example.com` }, { dns: `svc-${i}.internal` }, { ip: '10.0.0.1' }]),
    encodeSubjectKeyIdentifier(keyIdentifier(leafKeys[i % leafKeys.length]!.publicKeySpki)),
  ];
}

const paramsList = Array.from({ length: COUNT }, (_, i) => leafParams(i));
{
  if (Buffer.concat(schemaLeafValues(5)).compare(Buffer.concat(handLeafValues(5))) !== 0)
    throw new Error('the schema and the hand encoder disagree on the leaf values');
  const a = Buffer.from(schemaTbs(paramsList[0]!));
  const b = Buffer.from(handTbs(paramsList[0]!));
  if (!a.equals(b))
    throw new Error('the schema and the hand encoder disagree: the comparison would be unfair');
}

async function rate(passes: number, count: number, work: (i: number) => unknown): Promise<number> {
  let best = 0;
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    for (let i = 0; i < count; i++) await work(i);
    best = Math.max(best, count / ((performance.now() - start) / 1000));
  }
  return best;
}

const sample = handTbs(paramsList[0]!);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(9);
const rows: [string, number, string][] = [];
rows.push([
  'raw crypto.sign P-256 (TBS-sized input)',
  await rate(3, COUNT, () => sign('sha256', sample, caKey)),
  'signatures/s',
]);
rows.push(['name+SAN+SKI via the schemas', await rate(3, COUNT, (i) => schemaLeafValues(i)), 'leaves/s']);
rows.push(['name+SAN+SKI hand-encoded', await rate(3, COUNT, (i) => handLeafValues(i)), 'leaves/s']);
rows.push([
  'TBS via @peculiar/asn1-x509 schema',
  await rate(3, COUNT, (i) => schemaTbs(paramsList[i]!)),
  'TBS/s',
]);
rows.push([
  'TBS hand-encoded (tbs-certificate.ts)',
  await rate(3, COUNT, (i) => handTbs(paramsList[i]!)),
  'TBS/s',
]);
rows.push([
  'signed leaf, schema TBS',
  await rate(3, COUNT, async (i) => {
    const tbs = schemaTbs(paramsList[i]!);
    return encodeSigned(tbs, algorithm, await caSigner.sign(tbs));
  }),
  'certificates/s',
]);
rows.push([
  'signed leaf, generateCertificate (hand TBS)',
  await rate(3, COUNT, (i) => generateCertificate(paramsList[i]!, caSigner)),
  'certificates/s',
]);
const revoked = Array.from({ length: 100 }, (_, i) => ({
  serialNumber: paramsList[i]!.serialNumber,
  revocationDate: NOW,
  reason: 'superseded' as const,
}));
const crlCount = Math.max(1, Math.floor(COUNT / 100));
rows.push([
  'CRL with 100 entries (schema)',
  await rate(3, crlCount, (i) =>
    generateCrl(
      {
        issuer: ca.subject,
        crlNumber: i + 1,
        thisUpdate: NOW,
        nextUpdate: new Date(NOW.getTime() + 86_400_000),
        revoked,
      },
      caSigner,
    ),
  ),
  'CRLs/s',
]);
const certIds = paramsList.slice(0, 64).map((p) => certIdFor(ca, p.serialNumber));
rows.push([
  'OCSP response, one CertID (schema)',
  await rate(3, Math.max(1, Math.floor(COUNT / 4)), (i) =>
    generateOcspResponse(
      {
        producedAt: NOW,
        responses: [
          { certId: certIds[i % certIds.length]!, certStatus: { status: 'good' }, thisUpdate: NOW },
        ],
      },
      caSigner,
    ),
  ),
  'responses/s',
]);

console.log(`bench/generate: ${COUNT} P-256 leaves per pass, one core, Node ${process.versions.node}`);
for (const [name, value, unit] of rows) console.log(`  ${name.padEnd(46)} ${fmt(value)} ${unit}`);
const [raw, , , schema, hand, signedSchema, signedHand] = rows.map((r) => r[1]);
console.log(
  `  hand TBS is ${(hand! / schema!).toFixed(1)}x the schema's; signed leaves: ${((signedHand! / raw!) * 100).toFixed(0)}% of raw signing by hand, ${((signedSchema! / raw!) * 100).toFixed(0)}% through the schema`,
);

/**
 * The fuzz targets, one per reader of untrusted input, and their seed corpus (made at start: the containers
 * openssl and keytool write, certificates, CSRs and OCSP requests from the generators and from openssl).
 * A target's run may return anything or throw a PkiFormatError/DomainError (a clear error with a code); any
 * other exception is a crash. The container targets go through readContainer, which must not throw at all.
 */
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readCsrRequest } from '../../src/core/ca/csr-request.js';
import { checkPolicyExpressions } from '../../src/core/declarative/check-policy-expressions.js';
import { parseManifests } from '../../src/core/declarative/parse-manifests.js';
import { DomainError } from '../../src/core/errors.js';
import { readContainer } from '../../src/pki/formats/read-container.js';
import { analyseChain } from '../../src/pki/path/analyse-chain.js';
import { PKI_PROBLEM_CODES, PkiFormatError } from '../../src/pki/problem.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import { generateCsr } from '../../src/pki/x509/generate/csr.js';
import { readCsr } from '../../src/pki/x509/generate/csr-reader.js';
import { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';
import { readOcspRequest } from '../../src/pki/x509/generate/ocsp-request.js';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import { containerSeeds, PASSWORD, ToolFixtures } from '../../test/pki/container-fixtures.js';
import { aSigner, privateKeyPem, toPem } from '../../test/support/signers.js';
import { apiBodyTarget, apiSeed, ocspResponderTarget, type ServerTarget } from './api-target.js';

export type Corpus = Record<string, Uint8Array[]>;
export type Run = (input: Uint8Array) => unknown;

/** Whether an exception is a clear error with a code (not a crash). */
export function isExpectedError(error: unknown): boolean {
  return error instanceof PkiFormatError || error instanceof DomainError;
}

const FORMATS = new Set([null, 'pem', 'der', 'pkcs7', 'pkcs12', 'jks', 'k8s-secret']);
const CODES = new Set<string>(PKI_PROBLEM_CODES);

/** readContainer must not throw at all, and must give a well-formed result: anything else is a crash. */
const container: (corpus: Uint8Array[]) => Run = () => (input) => {
  let result;
  try {
    result = readContainer(input, { passwords: [PASSWORD] });
  } catch (error) {
    throw new Error(`readContainer threw: ${String(error)}`, { cause: error });
  }
  const wrong = (why: string): never => {
    throw new Error(`readContainer gave a malformed result: ${why}`);
  };
  if (!FORMATS.has(result.format)) wrong(`format ${result.format}`);
  for (const c of result.certificates)
    if (!(c.der instanceof Uint8Array) || c.der.length === 0) wrong('empty DER');
  for (const k of result.keys) if (!/^[0-9a-f]{64}$/.test(k.publicKeySha256)) wrong('key hash');
  for (const p of result.problems)
    if (!CODES.has(p.code) || p.message.length === 0) wrong(`problem ${p.code}`);
  return result;
};

const AT = new Date('2026-12-03T12:00:00Z');

/** How each target runs an input, given its seeds (the path target takes its chain from them). */
export const TARGETS: Record<string, (seeds: Uint8Array[]) => Run | Promise<ServerTarget>> = {
  pem: container,
  der: container,
  pkcs7: container,
  pkcs12: container,
  jks: container,
  'k8s-manifest': container,
  'lean-x509': () => (input) => parseCertificate(input),
  'path-validation': (seeds) => (input) =>
    analyseChain({
      served: [input, seeds[1]!],
      host: 'api.example.com',
      at: AT,
      trustAnchors: [seeds[2]!],
      knownIntermediates: [],
      expiringWithinDays: 30,
      crypto: webcrypto,
    }),
  csr: () => (input) => readCsr(input),
  'ocsp-request': () => (input) => readOcspRequest(input),
  /** The CSR reader of issuance (`cert issue --csr`, POST /v1/certificates/issue): PEM or DER. */
  'csr-request': () => (input) => readCsrRequest(input),
  /** `apply -f` and POST /v1/apply: the YAML/JSON documents, their schemas and the CEL checks. */
  manifests: () => (input) =>
    parseManifests(Buffer.from(input).toString('utf8'), 'fuzz.yaml', [checkPolicyExpressions]),
  /** The OCSP responder behind POST /ocsp, over a store with a CA. */
  'ocsp-responder': (seeds) => ocspResponderTarget(seeds),
  /** JSON/YAML bodies of POST /v1/apply, /v1/scans, /v1/certificates/issue, /v1/findings/ack. */
  'api-body': (seeds) => apiBodyTarget(seeds),
};

async function chain(): Promise<Uint8Array[]> {
  const rootSigner = aSigner('P-256', 'fuzz-root');
  const interSigner = aSigner('RSA-2048', 'fuzz-intermediate');
  const hour = 3_600_000;
  const root = await generateCertificate(
    {
      serialNumber: new Uint8Array([1]),
      subject: [[{ type: 'CN', value: 'Fuzz Root' }]],
      notBefore: new Date(AT.getTime() - hour),
      notAfter: new Date('2040-01-01T00:00:00Z'),
      ca: {},
    },
    rootSigner,
  );
  const intermediate = await generateCertificate(
    {
      serialNumber: new Uint8Array([2]),
      subject: [[{ type: 'O', value: 'Fuzz' }], [{ type: 'CN', value: 'Fuzz Intermediate' }]],
      issuer: issuerIdentity(root).subject,
      notBefore: new Date(AT.getTime() - hour),
      notAfter: new Date('2035-01-01T00:00:00Z'),
      publicKeySpki: interSigner.publicKeySpki,
      ca: { pathLength: 0 },
      nameConstraints: { permitted: [{ dns: 'example.com' }, { ip: '10.0.0.0/8' }] },
      certificatePolicies: [{ oid: '2.5.29.32.0', cpsUri: 'https://cps.example.com' }],
    },
    rootSigner,
  );
  const ca = issuerIdentity(intermediate);
  const leaf = await generateCertificate(
    {
      serialNumber: Buffer.from('7a11', 'hex'),
      subject: [[{ type: 'CN', value: 'api.example.com' }]],
      issuer: ca.subject,
      notBefore: new Date(AT.getTime() - hour),
      notAfter: new Date(AT.getTime() + 90 * 24 * hour),
      publicKeySpki: aSigner('Ed25519', 'fuzz-leaf').publicKeySpki,
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: [
        { dns: 'api.example.com' },
        { ip: '10.1.2.3' },
        { uri: 'spiffe://example.com/api' },
        { email: 'a@example.com' },
      ],
      authorityKeyIdentifier: ca.subjectKeyIdentifier,
      authorityInfoAccess: { ocsp: ['http://ocsp.example.com'], caIssuers: ['http://ca.example.com/i.crt'] },
      crlDistributionPoints: ['http://ca.example.com/i.crl'],
    },
    interSigner,
  );
  return [leaf, intermediate, root];
}

/** The seed corpus of every target. */
export async function makeCorpus(): Promise<Corpus> {
  const containers = containerSeeds();
  const pick = (...names: string[]) =>
    names.filter((n) => containers.has(n)).map((n) => new Uint8Array(containers.get(n)!));
  const [leaf, intermediate, root] = await chain();
  const f = new ToolFixtures();
  f.write('ca.pem', toPem('CERTIFICATE', intermediate!));
  f.write('leaf.pem', toPem('CERTIFICATE', leaf!));
  f.openssl('ocsp', '-issuer', 'ca.pem', '-cert', 'leaf.pem', '-reqout', 'nonce.req');
  f.openssl(
    'ocsp',
    '-issuer',
    'ca.pem',
    '-sha256',
    '-cert',
    'leaf.pem',
    '-cert',
    'ca.pem',
    '-no_nonce',
    '-reqout',
    'two.req',
  );
  f.write('key.pem', privateKeyPem('RSA-2048', 'fuzz-csr'));
  f.openssl(
    'req',
    '-new',
    '-key',
    'key.pem',
    '-subj',
    '/CN=fuzz',
    '-addext',
    'subjectAltName=DNS:a.example.com,IP:10.0.0.1',
    '-outform',
    'DER',
    '-out',
    'openssl.csr',
  );
  const csrs = await Promise.all([
    generateCsr(
      {
        subject: [[{ type: 'CN', value: 'device' }]],
        subjectAltNames: [{ uri: 'spiffe://example.com/d' }, { dns: 'd.example.com' }],
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: ['clientAuth'],
      },
      aSigner('P-256', 'fuzz-csr'),
    ),
    generateCsr({}, aSigner('Ed25519', 'fuzz-csr')),
  ]);
  const ocspRequests = [new Uint8Array(f.read('nonce.req')), new Uint8Array(f.read('two.req'))];
  const csrPems = csrs.map((der) => new TextEncoder().encode(toPem('CERTIFICATE REQUEST', der)));
  const governance = readFileSync(new URL('../../../docs/examples/governance.yaml', import.meta.url), 'utf8');
  const json = (value: unknown): string => JSON.stringify(value);
  return {
    pem: pick('PEM bundle with keys', 'PEM with encrypted keys', 'TRUSTED CERTIFICATE'),
    der: pick('DER certificate'),
    pkcs7: pick('PKCS#7 PEM', 'PKCS#7 DER'),
    pkcs12: pick('PKCS#12 modern', 'PKCS#12 legacy', 'PKCS#12 without MAC'),
    jks: pick('JKS'),
    'k8s-manifest': pick('Kubernetes Secrets YAML', 'Kubernetes Secret JSON'),
    'lean-x509': [leaf!, intermediate!, root!, ...pick('DER certificate')],
    'path-validation': [leaf!, intermediate!, root!],
    csr: [...csrs, new Uint8Array(f.read('openssl.csr'))],
    'ocsp-request': ocspRequests,
    'csr-request': [...csrPems, ...csrs, new Uint8Array(f.read('openssl.csr'))],
    manifests: [
      new TextEncoder().encode(governance),
      new TextEncoder().encode(
        json([{ apiVersion: 'custos/v1', kind: 'Owner', metadata: { name: 'a' }, spec: { contacts: {} } }]),
      ),
    ],
    'ocsp-responder': ocspRequests,
    'api-body': [
      apiSeed('/v1/apply', governance, 'application/yaml'),
      apiSeed(
        '/v1/apply',
        json([
          { apiVersion: 'custos/v1', kind: 'Owner', metadata: { name: 'fuzz' }, spec: { contacts: {} } },
        ]),
      ),
      apiSeed('/v1/scans', json({ kind: 'files', targets: ['/nonexistent/custos-fuzz'] })),
      apiSeed(
        '/v1/scans',
        json({ kind: 'tls', targets: ['127.0.0.1:1', '10.0.0.0/30'], ports: '443,8443', sni: ['a.example'] }),
      ),
      apiSeed(
        '/v1/certificates/issue',
        json({ csr: Buffer.from(csrPems[0]!).toString('latin1'), ttl: '24h', dnsNames: ['d.example.com'] }),
      ),
      apiSeed('/v1/certificates/issue', json({ generateKey: 'ec-p256', commonName: 'fuzz', ttl: '1h' })),
      apiSeed('/v1/findings/ack', json({ fingerprint: 'ab12cd34', by: 'fuzz' })),
    ],
  };
}

/**
 * The demo estate's certificates, made with the project's own generator (src/pki/x509/generate) at the first
 * `custos serve --demo` and kept in the data directory — never committed keys. A demo CA (root and intermediate)
 * signs the TLS endpoints' leaves, each with one of the problems people meet: expired, expiring in 5 days,
 * self-signed, another host's name, a weak key with SHA-1, an incomplete chain.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { nodeSigner, type SignatureHash } from '../../connectors/crypto/node-signer.js';
import { certificatesPem, pemBlock } from '../../pki/formats/pem-writer.js';
import { writePkcs12 } from '../../pki/formats/pkcs12-writer.js';
import { generateCertificate } from '../../pki/x509/generate/certificate.js';
import type { DistinguishedName } from '../../pki/x509/generate/distinguished-name.js';
import type { GeneralNameInput } from '../../pki/x509/extensions/subject-alt-name.js';

const DAY = 86_400_000;

/** A key and the certificates a server presents (leaf first), as PEM. */
export interface DemoCredentials {
  certPem: string;
  keyPem: string;
}

export interface DemoEndpointCertificate extends DemoCredentials {
  /** The endpoint's name in the estate (and in its certificate's DNS name). */
  name: string;
  /** What a scan finds wrong with it. */
  problem: string;
}

export interface DemoPki {
  /** The demo root (PEM): what the demo's scans trust, so only the planted problems show. */
  rootPem: string;
  endpoints: DemoEndpointCertificate[];
  /**
   * For the file tree: a certificate expiring in 20 days with the demo intermediate after it (so the inventory knows
   * the intermediate an incomplete chain lacks) and its key, the leaf as DER, and a key that is not its own.
   */
  files: {
    certPem: string;
    keyPem: string;
    strayKeyPem: string;
    derCertificate: Uint8Array;
    /** An expired certificate, its intermediate and its key in a PKCS#12 file whose password the scan is not given. */
    pkcs12: Uint8Array;
  };
}

const cn = (value: string): DistinguishedName => [[{ type: 'CN', value }]];
const serial = (): Uint8Array => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes;
};
const ec = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const spki = (key: KeyObject): Uint8Array =>
  new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
const keyPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

interface Issuer {
  name: DistinguishedName;
  key: KeyObject;
  der: Uint8Array;
}

interface LeafSpec {
  subject: string;
  names: GeneralNameInput[];
  notBefore: Date;
  notAfter: Date;
  key?: KeyObject;
  hash?: SignatureHash;
}

async function leaf(issuer: Issuer | null, spec: LeafSpec): Promise<{ der: Uint8Array; key: KeyObject }> {
  const key = spec.key ?? ec();
  const signingKey = issuer?.key ?? key;
  const der = await generateCertificate(
    {
      serialNumber: serial(),
      subject: cn(spec.subject),
      ...(issuer === null ? {} : { issuer: issuer.name }),
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      publicKeySpki: spki(key),
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: spec.names,
    },
    nodeSigner(signingKey, spec.hash === undefined ? {} : { hash: spec.hash }),
  );
  return { der, key };
}

async function authority(subject: string, parent: Issuer | null, now: Date): Promise<Issuer> {
  const key = ec();
  const name = cn(subject);
  const der = await generateCertificate(
    {
      serialNumber: serial(),
      subject: name,
      ...(parent === null ? {} : { issuer: parent.name }),
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 3650 * DAY),
      publicKeySpki: spki(key),
      ca: { pathLength: parent === null ? 1 : 0 },
    },
    nodeSigner(parent?.key ?? key),
  );
  return { name, key, der };
}

/** The demo's certificates, made now; `dns(name)` is the DNS name of an endpoint. */
export async function generateDemoPki(now: Date, dns: (name: string) => string): Promise<DemoPki> {
  const root = await authority('Custos Demo Root CA', null, now);
  const intermediate = await authority('Custos Demo Issuing CA', root, now);
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const names = (name: string): GeneralNameInput[] => [{ dns: dns(name) }, { ip: '127.0.0.1' }];
  const endpoint = async (
    name: string,
    problem: string,
    spec: Partial<LeafSpec> & { selfSigned?: boolean; chain?: boolean },
  ): Promise<DemoEndpointCertificate> => {
    const made = await leaf(spec.selfSigned ? null : intermediate, {
      subject: dns(name),
      names: names(name),
      notBefore: at(-30),
      notAfter: at(60),
      ...spec,
    });
    const chain = spec.selfSigned || spec.chain === false ? [] : [intermediate.der];
    return { name, problem, certPem: certificatesPem([made.der, ...chain]), keyPem: keyPem(made.key) };
  };
  const fileLeaf = await leaf(intermediate, {
    subject: dns('files'),
    names: [{ dns: dns('files') }],
    notBefore: at(-70),
    notAfter: at(20),
  });
  const legacyKey = ec();
  const legacy = await leaf(intermediate, {
    subject: dns('legacy'),
    names: [{ dns: dns('legacy') }],
    key: legacyKey,
    notBefore: at(-400),
    notAfter: at(-30),
  });
  return {
    rootPem: pemBlock('CERTIFICATE', root.der),
    endpoints: [
      await endpoint('expired', 'expired', { notBefore: at(-90), notAfter: at(-3) }),
      await endpoint('expiring', 'expiring in 5 days', { notAfter: at(5) }),
      await endpoint('self-signed', 'self-signed, untrusted', { selfSigned: true }),
      await endpoint('wrong-host', 'hostname mismatch', { names: [{ dns: 'intranet.elsewhere.example' }] }),
      await endpoint('weak', 'RSA-1024 key signed with SHA-1', {
        key: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
        hash: 'SHA-1',
      }),
      await endpoint('no-chain', 'incomplete chain', { chain: false }),
    ],
    files: {
      certPem: certificatesPem([fileLeaf.der, intermediate.der]),
      keyPem: keyPem(fileLeaf.key),
      strayKeyPem: keyPem(ec()),
      derCertificate: fileLeaf.der,
      pkcs12: writePkcs12({
        certificates: [legacy.der, intermediate.der],
        privateKey: new Uint8Array(legacyKey.export({ type: 'pkcs8', format: 'der' })),
        password: 'demo-secret',
        salt: randomBytes(16),
      }),
    },
  };
}

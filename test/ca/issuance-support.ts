/**
 * Builders for the issuance-check tests: real keys and CSRs (node:crypto, src/pki/x509/generate/csr.ts and
 * readCsr), a CA certificate, and RSA SubjectPublicKeyInfos with a chosen modulus and exponent (for weak-key
 * vectors whose private key nobody has).
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { nodeSigner } from '../../src/connectors/crypto/node-signer.js';
import type {
  IssuanceContext,
  IssuanceRequest,
  ProvisionerGrant,
} from '../../src/core/ca/issuance-request.js';
import type { PolicyObject } from '../../src/core/declarative/objects.js';
import { readPathCertificate } from '../../src/pki/path/path-certificate.js';
import { generateCsr, type CsrParams } from '../../src/pki/x509/generate/csr.js';
import { readCsr } from '../../src/pki/x509/generate/csr-reader.js';
import { aCertificate, asCA, withFreshKey } from '../support/certificates.js';

export const NOW = new Date('2026-06-01T00:00:00Z');
export const DAY = 86_400_000;

const keys = new Map<string, KeyObject>();

/** A private key of the kind, once per process per (kind, slot). */
export function key(kind: string, slot = 'default'): KeyObject {
  const id = `${kind}/${slot}`;
  let k = keys.get(id);
  if (!k) {
    const dash = kind.indexOf('-');
    const [type, size] = dash < 0 ? [kind, undefined] : [kind.slice(0, dash), kind.slice(dash + 1)];
    if (type === 'rsa') k = generateKeyPairSync('rsa', { modulusLength: Number(size) }).privateKey;
    else if (type === 'rsa3')
      k = generateKeyPairSync('rsa', { modulusLength: Number(size), publicExponent: 3 }).privateKey;
    else if (type === 'pss') k = generateKeyPairSync('rsa-pss', { modulusLength: Number(size) }).privateKey;
    else if (type === 'ec') k = generateKeyPairSync('ec', { namedCurve: size! }).privateKey;
    else if (type === 'ed25519') k = generateKeyPairSync('ed25519').privateKey;
    else if (type === 'ed448') k = generateKeyPairSync('ed448').privateKey;
    else throw new Error(`no key kind ${kind}`);
    keys.set(id, k);
  }
  return k;
}

/** The DER SubjectPublicKeyInfo of a private key's public half. */
export function spkiOf(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
}

/** A real CSR signed by the key, read back with readCsr. */
export async function csrFor(privateKey: KeyObject, params: CsrParams = {}) {
  const der = await generateCsr(params, nodeSigner(privateKey));
  return { der, content: readCsr(der) };
}

/** DER of an INTEGER holding a non-negative bigint. */
function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

/** An rsaEncryption SubjectPublicKeyInfo with this modulus and exponent. */
export function rsaSpki(modulus: bigint, exponent = 65537n): Uint8Array {
  const rsaPublicKey = tlv(0x30, Buffer.concat([derInteger(modulus), derInteger(exponent)]));
  const algorithm = Buffer.from('300d06092a864886f70d0101010500', 'hex');
  const bitString = tlv(0x03, Buffer.concat([Buffer.from([0]), rsaPublicKey]));
  return new Uint8Array(tlv(0x30, Buffer.concat([algorithm, bitString])));
}

export const CLI: ProvisionerGrant = { name: 'cli', kind: 'cli', claims: {} };

/** A request for an EC P-256 key with one DNS name, no CSR; override what a case needs. */
export function aRequest(overrides: Partial<IssuanceRequest> = {}): IssuanceRequest {
  return {
    authority: 'default',
    csr: null,
    publicKeySpki: spkiOf(key('ec-P-256')),
    commonName: null,
    dnsNames: ['api.corp.example'],
    ipAddresses: [],
    uris: [],
    ttlMs: 30 * DAY,
    identity: null,
    provisioner: CLI,
    ...overrides,
  };
}

let ca: Promise<IssuanceContext> | undefined;

/** A context with an EC P-256 CA (its own key is `caKeySpki`), no policies, a 90-day default lifetime. */
export function aContext(overrides: Partial<IssuanceContext> = {}): Promise<IssuanceContext> {
  const context = (ca ??= (async () => {
    const built = await aCertificate(asCA(), withFreshKey());
    return {
      authority: {
        name: 'default',
        status: 'active',
        keyType: 'ec-p256',
        key: { backend: 'software', sealed: 'v1:not-a-key' },
        rootKey: null,
        certificate: built.der,
        chain: [],
        csr: null,
        signsFrom: null,
        createdAt: NOW,
      },
      caCertificate: readPathCertificate(built.der),
      now: NOW,
      defaultTtlMs: 90 * DAY,
      policies: [],
    } satisfies IssuanceContext;
  })());
  return context.then((context) => ({ ...context, ...overrides }));
}

export function anIssuancePolicy(
  name: string,
  expression: string,
  message = `${name} says no`,
): PolicyObject {
  return {
    apiVersion: 'custos/v1',
    kind: 'Policy',
    metadata: { name },
    spec: { type: 'issuance', code: name, severity: 'high', validations: [{ expression, message }] },
  };
}

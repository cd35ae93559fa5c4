/**
 * A test-only Issuer (src/core/ports/issuer.ts) until the built-in CA lands behind the same port: a real CA key
 * (node:crypto P-256), a real self-signed CA certificate, and real leaves signed with the project's generator
 * (src/pki/x509/generate/). Not a mock of anything that runs: it is a tiny CA that keeps its issuances in memory,
 * counts them (so a test can tell that a crash did not issue twice) and records revocations.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { nodeSigner } from '../../src/connectors/crypto/node-signer.js';
import type {
  IssuedLookup,
  Issuer,
  IssuerResult,
  IssueRequest,
  RevocationReason,
} from '../../src/core/ports/issuer.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import type { GeneralNameInput } from '../../src/pki/x509/extensions/subject-alt-name.js';
import type { Signer } from '../../src/pki/x509/generate/signer.js';

export interface TestIssuer extends Issuer, IssuedLookup {
  /** The CA certificate (DER), the chain every leaf comes with. */
  readonly caCertificate: Uint8Array;
  /** Every certificate issued, in order. */
  readonly issued: Array<{ requestKey: string; fingerprintSha256: string; request: IssueRequest }>;
  readonly revoked: Array<{ fingerprintSha256: string; reason: RevocationReason }>;
  /** Makes the next `count` issue() calls fail with this error (an unreachable CA, a refusal). */
  failNext(count: number, error: Error): void;
  /**
   * Makes the next `count` issue() calls issue (and remember) the certificate, then throw as if the caller had died
   * before it could record it: what a crash between issuing and recording looks like from the caller's side.
   */
  crashAfterIssue(count: number): void;
  /** Makes the next issue() call issue (and remember) the certificate, then never answer: a caller killed mid-call. */
  hangAfterIssue(): void;
}

const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

export async function aTestIssuer(
  options: { name?: string; now?: () => Date; lookup?: boolean } = {},
): Promise<TestIssuer> {
  const now = options.now ?? (() => new Date());
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const signer: Signer = nodeSigner(key);
  const subject = [[{ type: 'CN', value: options.name ?? 'Custos Test Issuing CA' }]];
  const start = now();
  const caCertificate = await generateCertificate(
    {
      serialNumber: randomBytes(16),
      subject,
      notBefore: new Date(start.getTime() - 3_600_000),
      notAfter: new Date(start.getTime() + 365 * 86_400_000),
      ca: { pathLength: 0 },
    },
    signer,
  );
  const byKey = new Map<string, IssuerResult>();
  const issued: TestIssuer['issued'] = [];
  const revoked: TestIssuer['revoked'] = [];
  let failures: { count: number; error: Error } | null = null;
  let crashes = 0;
  let hang = false;
  const lookupKey = (requestKey: string, spki: Uint8Array) => `${requestKey}/${sha256(spki)}`;

  const issuer: TestIssuer = {
    caCertificate,
    issued,
    revoked,
    failNext(count, error) {
      failures = { count, error };
    },
    crashAfterIssue(count) {
      crashes = count;
    },
    hangAfterIssue() {
      hang = true;
    },
    async issue(request) {
      if (failures !== null && failures.count > 0) {
        failures.count -= 1;
        throw failures.error;
      }
      const at = now();
      const names: GeneralNameInput[] = [
        ...request.dnsNames.map((dns) => ({ dns })),
        ...request.ipAddresses.map((ip) => ({ ip })),
        ...request.uris.map((uri) => ({ uri })),
      ];
      const certificate = await generateCertificate(
        {
          serialNumber: randomBytes(16),
          subject: request.commonName === null ? [] : [[{ type: 'CN', value: request.commonName }]],
          issuer: subject,
          notBefore: new Date(at.getTime() - 60_000),
          notAfter: new Date(at.getTime() + (request.ttlMs ?? 86_400_000)),
          publicKeySpki: request.publicKeySpki,
          keyUsage: ['digitalSignature'],
          extendedKeyUsage: ['serverAuth', 'clientAuth'],
          ...(names.length > 0 ? { subjectAltNames: names } : {}),
        },
        signer,
      );
      const result = { certificate, chain: [caCertificate] };
      byKey.set(lookupKey(request.requestKey, request.publicKeySpki), result);
      issued.push({ requestKey: request.requestKey, fingerprintSha256: sha256(certificate), request });
      if (hang) {
        hang = false;
        return new Promise<never>(() => undefined);
      }
      if (crashes > 0) {
        crashes -= 1;
        throw new Error('connection lost after the certificate was issued');
      }
      return result;
    },
    findIssued(requestKey, publicKeySpki) {
      return Promise.resolve(byKey.get(lookupKey(requestKey, publicKeySpki)) ?? null);
    },
    revoke(fingerprintSha256, reason) {
      revoked.push({ fingerprintSha256, reason });
      return Promise.resolve();
    },
  };
  if (options.lookup === false) delete (issuer as Partial<TestIssuer>).findIssued;
  return issuer;
}

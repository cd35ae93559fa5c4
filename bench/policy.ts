/**
 * bench/policy: the default policy set plus ten custom CEL policies over 1,000,000 synthetic certificates, in
 * memory, beside the same expressions written as plain TypeScript functions. Prints certificates per second for
 * both and the ratio. Aim (issue 5): CEL within 3x of plain code, the whole pass under 60 s.
 *
 * Run: npx tsx bench/policy.ts [COUNT]   (default 1,000,000)
 */
import type { IdentityObject, PolicyObject } from '../src/core/declarative/objects.js';
import type { Finding } from '../src/core/findings/finding.js';
import { complianceActivation, type PolicyCertificate } from '../src/core/policy/activation.js';
import { DEFAULT_POLICIES } from '../src/core/policy/default-policies.js';
import { compilePolicies, complianceFindings } from '../src/core/policy/evaluate-policies.js';
import type { KeyAlgorithm } from '../src/pki/x509/parsed-certificate.js';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const DAY = 86_400_000;
const NOW = new Date('2026-11-01T00:00:00Z');

const custom = (name: string, expression: string): PolicyObject => ({
  apiVersion: 'custos/v1',
  kind: 'Policy',
  metadata: { name },
  spec: { type: 'compliance', code: name, severity: 'medium', validations: [{ expression, message: name }] },
});

/** Ten custom policies of the kinds teams write, each with its plain-TypeScript twin. */
const CUSTOM: Array<
  [PolicyObject, (c: PolicyCertificate, owner: string | null, identity: IdentityObject | null) => boolean]
> = [
  [
    custom('rsa-3072', "certificate.keyAlgorithm != 'RSA' || certificate.keySize >= 3072"),
    (c) => c.keyAlgorithm !== 'RSA' || (c.keySize ?? 0) >= 3072,
  ],
  [
    custom('no-sha1', "!certificate.signatureAlgorithm.contains('sha1')"),
    (c) => !c.signatureAlgorithm.includes('sha1'),
  ],
  [
    custom('corp-names', "certificate.subjectAltNames.all(n, n.endsWith('.corp.example'))"),
    (c) => c.subjectAltNames.dns.every((n) => n.endsWith('.corp.example')),
  ],
  [
    custom('at-most-3-names', 'size(certificate.subjectAltNames) <= 3'),
    (c) => c.subjectAltNames.dns.length <= 3,
  ],
  [
    custom('not-expiring-7d', "certificate.notAfter - now > duration('168h')"),
    (c) => c.notAfter.getTime() - NOW.getTime() > 7 * DAY,
  ],
  [
    custom('no-wildcards', "!certificate.subjectAltNames.exists(n, n.startsWith('*.'))"),
    (c) => !c.subjectAltNames.dns.some((n) => n.startsWith('*.')),
  ],
  [custom('issuer-internal', "certificate.issuer.contains('O=Corp')"), (c) => c.issuer.includes('O=Corp')],
  [
    custom('leaf-not-self-signed', 'certificate.isCA || !certificate.selfSigned'),
    (c) => c.isCA || !c.selfSigned,
  ],
  [
    custom('prod-owner', "identity == null || identity.environment != 'prod' || owner != null"),
    (_c, owner, identity) => identity === null || identity.spec.environment !== 'prod' || owner !== null,
  ],
  [custom('serial-long', 'size(certificate.serialNumber) >= 16'), (c) => c.serialNumber.length >= 16],
];

/** The default set as plain functions (the same decisions as default-policies.ts). */
const NON_PROD = new Set(['staging', 'stage', 'test', 'qa', 'dev', 'development']);
const PLAIN_DEFAULTS: Array<
  (c: PolicyCertificate, owner: string | null, identity: IdentityObject | null) => boolean
> = [
  (c, _o, i) =>
    c.isCA ||
    (i !== null && NON_PROD.has(i.spec.environment ?? '')) ||
    c.notAfter.getTime() - c.notBefore.getTime() <= 398 * DAY,
  (c, _o, i) =>
    c.isCA ||
    i === null ||
    !NON_PROD.has(i.spec.environment ?? '') ||
    c.notAfter.getTime() - c.notBefore.getTime() <= 90 * DAY,
  (c) =>
    (c.keyAlgorithm === 'RSA' && (c.keySize ?? 0) >= 2048) ||
    (c.keyAlgorithm === 'ECDSA' && (c.keySize === 256 || c.keySize === 384)) ||
    c.keyAlgorithm === 'Ed25519',
  (_c, owner) => owner !== null,
  (c, _o, i) => {
    const labels = i?.spec.labels;
    if (c.spiffeId === null || !labels?.namespace || !labels.serviceAccount) return true;
    return (
      /^spiffe:\/\/[^/]+\/ns\/[^/]+\/sa\/[^/]+$/.test(c.spiffeId) &&
      c.spiffeId.endsWith(`/ns/${labels.namespace}/sa/${labels.serviceAccount}`)
    );
  },
];

const ALGORITHMS: Array<[KeyAlgorithm, number]> = [
  ['RSA', 2048],
  ['RSA', 3072],
  ['ECDSA', 256],
  ['ECDSA', 384],
  ['Ed25519', 256],
  ['RSA', 1024],
];
const identities: IdentityObject[] = ['prod', 'dev', 'staging'].map((env, i) => ({
  apiVersion: 'custos/v1',
  kind: 'Identity',
  metadata: { name: `svc-${i}` },
  spec: {
    kind: 'workload',
    owner: 'team',
    environment: env,
    labels: { namespace: `ns${i}`, serviceAccount: 'api' },
  },
}));

function syntheticCertificate(i: number): PolicyCertificate {
  const [keyAlgorithm, keySize] = ALGORITHMS[i % ALGORITHMS.length] as [KeyAlgorithm, number];
  const notBefore = new Date(NOW.getTime() - (i % 400) * DAY);
  return {
    fingerprintSha256: i.toString(16).padStart(64, '0'),
    serialNumber: (i * 7919).toString(16).padStart(i % 3 === 0 ? 8 : 32, '0'),
    subject: `CN=host-${i}.corp.example, O=Corp`,
    issuer: i % 10 === 0 ? 'CN=Other CA' : 'CN=Issuing CA, O=Corp',
    subjectAltNames: {
      dns: i % 17 === 0 ? [`*.s${i}.corp.example`] : [`host-${i}.corp.example`, `alt-${i}.corp.example`],
      ip: [],
      uri: [],
      email: [],
    },
    notBefore,
    notAfter: new Date(notBefore.getTime() + (i % 5 === 0 ? 825 : 90) * DAY),
    keyAlgorithm,
    keySize,
    signatureAlgorithm: i % 50 === 0 ? 'sha1WithRSAEncryption' : 'sha256WithRSAEncryption',
    isCA: i % 100 === 0,
    selfSigned: i % 100 === 0,
    spiffeId: i % 4 === 0 ? `spiffe://corp.example/ns/ns${i % 3}/sa/${i % 8 === 0 ? 'api' : 'web'}` : null,
  };
}

function main(): void {
  const certificates = Array.from({ length: COUNT }, (_, i) => syntheticCertificate(i));
  const subjectOf = (i: number) => ({
    owner: i % 9 === 0 ? null : 'team',
    identity: i % 2 === 0 ? (identities[i % 3] as IdentityObject) : null,
  });
  const policies = compilePolicies([...DEFAULT_POLICIES, ...CUSTOM.map(([p]) => p)]);
  const validations = policies.reduce((n, p) => n + p.validations.length, 0);
  const plain = [...PLAIN_DEFAULTS, ...CUSTOM.map(([, f]) => f)];

  let started = performance.now();
  let celFindings = 0;
  let errors = 0;
  for (let i = 0; i < certificates.length; i++) {
    const { owner, identity } = subjectOf(i);
    const activation = complianceActivation({
      certificate: certificates[i] as PolicyCertificate,
      locations: [],
      owner,
      identity,
      now: NOW,
    });
    const findings: Finding[] = complianceFindings(policies, activation);
    celFindings += findings.length;
    for (const f of findings) if (f.code === 'policy-error') errors += 1;
  }
  const celSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  let plainFailures = 0;
  for (let i = 0; i < certificates.length; i++) {
    const { owner, identity } = subjectOf(i);
    const c = certificates[i] as PolicyCertificate;
    for (const check of plain) if (!check(c, owner, identity)) plainFailures += 1;
  }
  const plainSeconds = (performance.now() - started) / 1000;

  const rate = (s: number) => Math.round(COUNT / s).toLocaleString('en');
  console.log(
    `bench/policy: ${COUNT.toLocaleString('en')} certificates x ${policies.length} policies (${validations} CEL validations), node ${process.version}`,
  );
  console.log(
    `  CEL (@marcbachmann/cel-js, activation + evaluation + findings): ${celSeconds.toFixed(2)} s, ${rate(celSeconds)} certificates/s`,
  );
  console.log(
    `  plain TypeScript functions, same decisions:                      ${plainSeconds.toFixed(2)} s, ${rate(plainSeconds)} certificates/s`,
  );
  console.log(
    `  CEL / plain: ${(celSeconds / plainSeconds).toFixed(1)}x slower (aim: within 3x; pass under 60 s: ${celSeconds < 60 ? 'yes' : 'NO'})`,
  );
  console.log(
    `  findings: ${celFindings.toLocaleString('en')} from CEL (${errors} policy-error), ${plainFailures.toLocaleString('en')} failed plain checks`,
  );
}

main();

/**
 * A small real estate for the dashboard's browser tests, made through the CLI as a user would: certificate files of
 * two teams and some nobody owns (issued by one CA, spread over the next six months, a few expired, one with a weak
 * key), owners with contacts and an escalation path, ownership rules, exceptions (for the weak key; for the web team's
 * certificates expiring soon), and a managed
 * certificate issued and deployed by the built-in CA. Everything is then scanned into the store in `custos.dataDir`.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  validFor,
  withDnsNames,
  withKey,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import type { Custos } from '../support/cli.js';

export interface Estate {
  root: string;
  /** Every leaf written, by DNS name. */
  leaves: Map<string, BuiltCertificate>;
  /** The weak-key leaf the exception waives. */
  weak: BuiltCertificate;
  expired: number;
}

/** [team folder, name pattern, count, days to expiry of the i-th certificate]. */
const TEAMS: Array<[string, (i: number) => string, number, (i: number) => number]> = [
  ['payments', (i) => `api-${i}.payments.corp.example`, 30, (i) => (i < 2 ? -3 - i * 7 : i < 5 ? 5 : 6 * i)],
  ['web', (i) => `www-${i}.corp.example`, 25, (i) => (i < 2 ? 3 : 7 * i + 12)],
  ['legacy', (i) => `legacy-${i}.corp.example`, 9, (i) => (i === 0 ? -30 : 20 * i)],
];

function manifests(root: string, weak: BuiltCertificate, exceptionExpires: Date): string {
  return `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts: {email: [payments-oncall@corp.example]}
  escalation:
    - after: 4h
      contacts: {email: [payments-lead@corp.example]}
    - after: 1d
      contacts: {email: [cto@corp.example]}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: web}
spec:
  contacts: {email: [web@corp.example]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: payments-files}
spec:
  owner: payments
  order: 10
  match:
    paths: ["${root}/payments/**"]
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: web-names}
spec:
  owner: web
  order: 20
  match:
    dnsNames: ["www-*.corp.example"]
---
apiVersion: custos/v1
kind: Exception
metadata: {name: legacy-plc}
spec:
  waives: [weak-key, key-type-not-allowed]
  scope: {fingerprints: ["${weak.fingerprintSha256.slice(0, 16)}"]}
  reason: "PLC firmware cannot hold a 2048-bit key until the 2027 refit"
  compensatingControl: "reachable only through gateway gw-3"
  approver: ciso@corp.example
  expires: "${exceptionExpires.toISOString()}"
---
apiVersion: custos/v1
kind: Exception
metadata: {name: web-freeze}
spec:
  waives: [expiring-soon]
  scope: {paths: ["${root}/web/**"]}
  reason: "change freeze until the web platform migration"
  compensatingControl: "renewed by hand on the migration day"
  approver: ciso@corp.example
  expires: "${exceptionExpires.toISOString()}"
---
apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: shop-web}
spec:
  commonName: shop.payments.corp.example
  dnsNames: [shop.payments.corp.example]
  duration: 720h
  issuerRef: {name: default}
  privateKey: {algorithm: ECDSA, size: 256}
  destinations:
    - file: {certificate: "${root}/payments/shop/shop.crt", privateKey: "${root}/payments/shop/shop.key"}
`;
}

export async function anEstate(custos: Custos, root: string): Promise<Estate> {
  const ca = await aCertificate(withSubject('CN=Corp Issuing CA,O=Corp'), asCA(), validFor(3650));
  const leaves = new Map<string, BuiltCertificate>();
  let expired = 0;
  for (const [team, name, count, days] of TEAMS) {
    await mkdir(join(root, team), { recursive: true });
    for (let i = 0; i < count; i++) {
      const dns = name(i);
      const leaf = await aCertificate(
        withSubject(`CN=${dns}`),
        withDnsNames(dns),
        issuedBy(ca),
        validFor(200),
        expiringIn(days(i)),
      );
      if (days(i) < 0) expired++;
      leaves.set(dns, leaf);
      await writeFile(join(root, team, `${dns}.pem`), leaf.pem + ca.pem);
    }
  }
  const weak = await aCertificate(
    withSubject('CN=plc-7.legacy.corp.example'),
    withDnsNames('plc-7.legacy.corp.example'),
    withKey('RSA', 1024),
    issuedBy(ca),
    validFor(200),
    expiringIn(90),
  );
  leaves.set('plc-7.legacy.corp.example', weak);
  await writeFile(join(root, 'legacy', 'plc-7.pem'), weak.pem);
  await mkdir(join(root, 'payments', 'shop'), { recursive: true });

  const file = join(root, 'custos.yaml');
  await writeFile(file, manifests(root, weak, new Date(Date.now() + 60 * 86_400_000)));
  for (const args of [
    ['ca', 'init'],
    ['apply', '-f', file],
    ['managed', 'reconcile', '--timeout', '60s'],
    ['scan', 'files', root],
  ]) {
    const run = await custos.run(...args);
    assert.equal(run.code, 0, `custos ${args.join(' ')}: ${run.stdout}\n${run.stderr}`);
  }
  return { root, leaves, weak, expired };
}

/**
 * A small real estate for the /v1 tests: certificate files made with the test builders under three trees (team
 * "alpha", team "beta", nobody's), scanned and governed through the real CLI on one SQLite data dir, then served by
 * buildApp over that same data dir. Several certificates share one notAfter, so paging must break ties.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aCertificate,
  aChain,
  expiringIn,
  withDnsNames,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { anApp, type TestApp } from '../support/server.js';

export interface Estate {
  t: TestApp;
  custos: Custos;
  root: string;
  alpha: BuiltCertificate[];
  beta: BuiltCertificate[];
  nobody: BuiltCertificate[];
  chain: { root: BuiltCertificate; intermediate: BuiltCertificate; leaf: BuiltCertificate };
  cleanup(): Promise<void>;
}

export const governance = (root: string): string => `apiVersion: custos/v1
kind: Owner
metadata: {name: alpha}
spec:
  contacts: {email: [alpha@corp.example]}
  escalation:
    - after: 2d
      contacts: {email: [alpha-lead@corp.example]}
---
apiVersion: custos/v1
kind: Owner
metadata: {name: beta}
spec:
  contacts: {email: [beta@corp.example]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: alpha-files}
spec:
  owner: alpha
  order: 10
  match:
    paths: ["${root}/alpha/**"]
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: beta-files}
spec:
  owner: beta
  order: 20
  match:
    paths: ["${root}/beta/**"]
`;

const DAY_MS = 86_400_000;

export async function anEstate(): Promise<Estate> {
  const dataDir = await mkdtemp(join(tmpdir(), 'custos-v1-'));
  const root = join(dataDir, 'estate');
  // One moment for the ties: four alpha certificates and two beta ones expire at the same millisecond.
  const tie = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 20 * DAY_MS);
  const alpha: BuiltCertificate[] = [];
  const beta: BuiltCertificate[] = [];
  const nobody: BuiltCertificate[] = [];
  for (let i = 0; i < 4; i++)
    alpha.push(await aCertificate(withDnsNames(`tie${i}.alpha.example`), expiringIn(0, { from: tie })));
  for (let i = 0; i < 3; i++)
    alpha.push(await aCertificate(withDnsNames(`svc${i}.alpha.example`), expiringIn(40 + i * 30)));
  for (let i = 0; i < 2; i++)
    beta.push(await aCertificate(withDnsNames(`tie${i}.beta.example`), expiringIn(0, { from: tie })));
  for (let i = 0; i < 3; i++)
    beta.push(await aCertificate(withDnsNames(`svc${i}.beta.example`), expiringIn(5 + i * 50)));
  nobody.push(await aCertificate(withDnsNames('old.nobody.example'), expiringIn(-3)));
  for (let i = 0; i < 3; i++)
    nobody.push(await aCertificate(withDnsNames(`host${i}.nobody.example`), expiringIn(100 + i)));
  const chain = await aChain(withDnsNames('chained.alpha.example'), expiringIn(60));

  for (const [tree, certificates] of [
    ['alpha', alpha],
    ['beta', beta],
    ['nobody', nobody],
  ] as const) {
    await mkdir(join(root, tree), { recursive: true });
    for (const [i, c] of certificates.entries()) await writeFile(join(root, tree, `c${i}.pem`), c.pem);
  }
  await writeFile(
    join(root, 'alpha', 'chained.pem'),
    chain.leaf.pem + chain.intermediate.pem + chain.root.pem,
  );
  await writeFile(join(dataDir, 'governance.yaml'), governance(root));

  const custos = await aCustos({ dataDir });
  const applied = await custos.run('apply', '-f', join(dataDir, 'governance.yaml'));
  assert.equal(applied.code, 0, applied.stderr);
  const scan = await custos.run('scan', 'files', root);
  assert.equal(scan.code, 0, scan.stderr);
  const t = await anApp({ dataDir });
  return {
    t,
    custos,
    root,
    alpha,
    beta,
    nobody,
    chain,
    cleanup: async () => {
      await t.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

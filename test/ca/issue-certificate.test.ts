/**
 * The issue-certificate use case on every dialect: what it writes in one transaction (CA record, inventory,
 * audit), the serial numbers it draws, and that a certificate failing a lint is refused with its code and leaves
 * nothing in the store.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildKeyManager } from '../../src/compose/key-manager.js';
import { softwareKeyBackend } from '../../src/connectors/keys-software/software-key-backend.js';
import { generateLeafKeyPair } from '../../src/connectors/keys-software/leaf-key.js';
import { systemSecureRandom } from '../../src/connectors/system/system-secure-random.js';
import { initAuthority } from '../../src/core/ca/init-authority.js';
import {
  issueCertificate,
  lintErrorCode,
  type IssueDependencies,
} from '../../src/core/ca/issue-certificate.js';
import type { IssuanceRequest } from '../../src/core/ca/issuance-request.js';
import type { Store } from '../../src/core/ports/store.js';
import { readPathCertificate } from '../../src/pki/path/path-certificate.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const NOW = new Date('2026-06-01T12:00:00Z');

for (const dialect of DIALECTS) {
  describe(`Issuing a certificate on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let deps: IssueDependencies;
    let request: IssuanceRequest;
    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
      const kek = randomBytes(32);
      deps = {
        store,
        keys: buildKeyManager({ software: softwareKeyBackend({ loadKek: () => Promise.resolve(kek) }) }),
        clock: { now: () => NOW },
        secureRandom: systemSecureRandom,
        actor: 'test',
        baseUrl: 'https://custos.corp.example/',
      };
      await initAuthority(deps, {
        name: 'default',
        keyType: 'ec-p256',
        where: { backend: 'software' },
        rootTtlMs: 10 * 365 * 86_400_000,
        intermediateTtlMs: 5 * 365 * 86_400_000,
      });
      request = {
        authority: 'default',
        csr: null,
        publicKeySpki: (await generateLeafKeyPair('ec-p256')).publicKeySpki,
        commonName: 'api.corp.example',
        dnsNames: ['www.corp.example'],
        ipAddresses: [],
        uris: [],
        ttlMs: null,
        identity: null,
        provisioner: { name: 'cli', kind: 'cli', claims: { user: 'alice' } },
      };
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    it('signs, stores and audits one certificate with a 128-bit positive serial, 24h by default', async () => {
      const { certificate, chain } = await issueCertificate(deps, request);
      assert.equal(chain.length, 2);
      const leaf = readPathCertificate(certificate.der);
      assert.deepEqual(leaf.subjectAltNames.dns, ['www.corp.example', 'api.corp.example']);
      assert.equal(leaf.notBefore.getTime(), NOW.getTime() - 60_000);
      assert.equal(leaf.notAfter.getTime(), NOW.getTime() + 86_400_000);
      assert.ok(certificate.serialNumber.length >= 30 && certificate.serialNumber.length <= 32);
      assert.deepEqual(
        await store.authorities.issued({ fingerprintSha256: certificate.fingerprintSha256 }),
        certificate,
      );
      const [entry] = await store.inventory.listCertificates({
        fingerprints: [certificate.fingerprintSha256],
      });
      assert.deepEqual(
        entry?.sightings.map((s) => s.locationKey),
        ['issued:default'],
      );
      const types: string[] = [];
      for await (const record of store.audit.records()) types.push(record.type);
      const issuedAt = types.indexOf('certificate.issued');
      assert.equal(types[issuedAt + 1], 'sighting.started');
      const second = await issueCertificate(deps, request);
      assert.notEqual(second.certificate.serialNumber, certificate.serialNumber);
    });

    it('refuses a certificate failing a lint with its code, and stores nothing of it', async () => {
      let linted = 0;
      const failing: IssueDependencies = {
        ...deps,
        lint: (certificate) => {
          linted += 1;
          assert.equal(certificate.isCA, false);
          return [
            { lint: 'serial-too-short', severity: 'warning', message: 'only a warning', source: 'BR 7.1' },
            {
              lint: 'san-malformed',
              severity: 'error',
              message: 'a label is empty',
              source: 'RFC 5280 §4.2.1.6',
            },
          ];
        },
      };
      const before: string[] = [];
      for await (const record of store.audit.records()) before.push(record.type);
      await assert.rejects(
        issueCertificate(failing, request),
        (error: { code?: string; message?: string }) => {
          assert.equal(error.code, 'CUSTOS_LINT_FAILED');
          assert.match(error.message ?? '', /lint san-malformed \(RFC 5280 §4\.2\.1\.6\): a label is empty/);
          return true;
        },
      );
      assert.equal(linted, 1);
      assert.equal(await store.inventory.countCertificates(), 0);
      const after: string[] = [];
      for await (const record of store.audit.records()) after.push(record.type);
      assert.deepEqual(after, before);
    });

    it('refuses a CA that is not active and one that does not exist', async () => {
      await store.transaction((tx) => tx.authorities.update('default', { status: 'retiring' }));
      await assert.rejects(issueCertificate(deps, request), { code: 'CUSTOS_CA_NOT_ACTIVE' });
      await assert.rejects(issueCertificate(deps, { ...request, authority: 'other' }), {
        code: 'CUSTOS_CA_NOT_FOUND',
      });
    });
  });
}

describe('lint error codes', () => {
  it('map a lint to CUSTOS_LINT_<NAME> only when the catalogue has it', () => {
    assert.equal(lintErrorCode('no-such-lint-anywhere'), 'CUSTOS_LINT_FAILED');
    assert.equal(lintErrorCode('failed'), 'CUSTOS_LINT_FAILED');
  });
});

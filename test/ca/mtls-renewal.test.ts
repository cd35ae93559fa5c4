/**
 * Renewal over mTLS (issue 11, provisioners): the client certificate presented is looked up through
 * store.authorities by fingerprint, on every dialect. A still-valid, unrevoked certificate the built-in CA issued
 * gives a grant limited to its own names; one Custos did not issue, an expired one, a revoked one, one of a CA the
 * provisioner does not renew, and no mtls provisioner at all are refused — each decision audited.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { authorizeIssuance } from '../../src/core/ca/authorize-issuance.js';
import { grantForClientCertificate } from '../../src/core/ca/provisioners/mtls-renewal-grant.js';
import { withDefaultProvisioners, type Provisioner } from '../../src/core/ca/provisioners/provisioner.js';
import { DomainError } from '../../src/core/errors.js';
import type { Store } from '../../src/core/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import {
  aCertificate,
  expiringIn,
  withDnsNames,
  withIpAddresses,
  withUris,
  type BuiltCertificate,
} from '../support/certificates.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const provisioners: Provisioner[] = withDefaultProvisioners([
  {
    name: 'renew',
    type: 'mtls',
    authority: 'default',
    limits: { keyTypes: ['ec-p256'], maxTtlMs: 3_600_000 },
  },
]);

const refused = (reason: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === 'CUSTOS_TOKEN_INVALID' && reason.test(error.message);

for (const dialect of DIALECTS) {
  describe(`Renewal over mTLS on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let leaf: BuiltCertificate;
    let now: Date;
    const clock = { now: () => now };
    const deps = () => ({ authorities: store.authorities, clock, provisioners });

    const record = (certificate: BuiltCertificate, authority = 'default') =>
      store.transaction((tx) =>
        tx.authorities.recordIssued({
          fingerprintSha256: certificate.fingerprintSha256,
          authority,
          serialNumber: certificate.x509.serialNumber.toLowerCase().replace(/^(00)+/, ''),
          der: certificate.der,
          notBefore: certificate.x509.notBefore,
          notAfter: certificate.x509.notAfter,
          identity: 'payments-api',
          provisioner: 'cli',
          issuedAt: certificate.x509.notBefore,
        }),
      );

    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
      leaf = await aCertificate(
        withDnsNames('api.corp.example', 'api.eu.corp.example'),
        withIpAddresses('10.0.0.7'),
        withUris('spiffe://corp.example/payments/api'),
        expiringIn(30),
      );
      await record(leaf);
      now = new Date(leaf.x509.notBefore.getTime() + 86_400_000);
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    it('grants a still-valid certificate it issued the names of that revision', async () => {
      const grant = await grantForClientCertificate(deps(), [leaf.der]);
      assert.deepEqual(grant, {
        name: 'renew',
        kind: 'mtls',
        claims: {
          identity: 'payments-api',
          fingerprintSha256: leaf.fingerprintSha256,
          serialNumber: leaf.x509.serialNumber.toLowerCase().replace(/^(00)+/, ''),
          authority: 'default',
        },
        limits: {
          names: [
            'api.corp.example',
            'api.eu.corp.example',
            '10.0.0.7',
            'spiffe://corp.example/payments/api',
          ],
          keyTypes: ['ec-p256'],
          maxTtlMs: 3_600_000,
        },
      });
    });

    it('refuses a certificate it did not issue, an expired one and a revoked one', async () => {
      const stranger = await aCertificate(withDnsNames('api.corp.example'));
      await assert.rejects(
        grantForClientCertificate(deps(), [stranger.der]),
        refused(/not issued by the built-in CA/),
      );
      await assert.rejects(grantForClientCertificate(deps(), []), refused(/no certificate was presented/));

      now = new Date(leaf.x509.notAfter.getTime() + 1);
      await assert.rejects(grantForClientCertificate(deps(), [leaf.der]), refused(/expired at/));

      now = new Date(leaf.x509.notBefore.getTime() + 86_400_000);
      await store.transaction(async (tx) => {
        await tx.authorities.revoke(leaf.fingerprintSha256, {
          revokedAt: now,
          reason: 'keyCompromise',
          invalidityDate: null,
        });
      });
      await assert.rejects(
        grantForClientCertificate(deps(), [leaf.der]),
        refused(/was revoked .*keyCompromise/),
      );
    });

    it('refuses a certificate of a CA the provisioner does not renew, and says when no mtls provisioner exists', async () => {
      const elsewhere = await aCertificate(withDnsNames('db.corp.example'), expiringIn(30));
      await record(elsewhere, 'partners');
      await assert.rejects(
        grantForClientCertificate(deps(), [elsewhere.der]),
        refused(/CA "partners", for which no mtls provisioner renews/),
      );
      await assert.rejects(
        grantForClientCertificate({ ...deps(), provisioners: withDefaultProvisioners([]) }, [leaf.der]),
        (error: unknown) => error instanceof DomainError && error.code === 'CUSTOS_PROVISIONER_NOT_FOUND',
      );
    });

    it('audits the renewal decision through authorizeIssuance', async () => {
      const full = {
        store,
        clock,
        provisioners,
        actor: 'api:mtls',
        jwks: { keys: () => Promise.reject(new Error('unused')) },
      };
      await authorizeIssuance(full, { kind: 'mtls', chain: [leaf.der] });
      const stranger = await aCertificate(withDnsNames('x.corp.example'));
      await assert.rejects(
        authorizeIssuance(full, { kind: 'mtls', chain: [stranger.der] }),
        refused(/not issued/),
      );
      const events = [];
      for await (const event of store.audit.records()) events.push(event);
      assert.deepEqual(
        events.map((e) => [e.type, e.subject, e.data.provisioner ?? null]),
        [
          ['issuance.authorized', 'identity:payments-api', 'renew'],
          ['issuance.refused', 'credential:mtls', null],
        ],
      );
    });
  });
}

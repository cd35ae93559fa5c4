/**
 * Group commit of issuances (src/core/ca/issuance-batcher.ts) on every dialect: many issuances at once are written
 * in fewer transactions than certificates, each caller gets its own certificate, the audit chain verifies with the
 * two events of each certificate side by side, and a request that fails — at its lint, before the batch, or in the
 * store, inside a batch — fails alone while the others of its batch are recorded.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildKeyManager } from '../../src/compose/key-manager.js';
import { softwareKeyBackend } from '../../src/connectors/keys-software/software-key-backend.js';
import { generateLeafKeyPair } from '../../src/connectors/keys-software/leaf-key.js';
import { systemSecureRandom } from '../../src/connectors/system/system-secure-random.js';
import { nextTurn } from '../../src/connectors/system/next-turn.js';
import { initAuthority } from '../../src/core/ca/init-authority.js';
import { issuanceBatcher, type IssuanceRecorder } from '../../src/core/ca/issuance-batcher.js';
import { issueCertificate, type IssueDependencies } from '../../src/core/ca/issue-certificate.js';
import type { IssuanceRequest } from '../../src/core/ca/issuance-request.js';
import type { Store } from '../../src/core/ports/store.js';
import { applyManifests } from '../../src/core/declarative/apply-manifests.js';
import { evaluate } from '../../src/core/evaluation/evaluate.js';
import { verifyAudit } from '../../src/core/verify-audit.js';
import { runLints } from '../../src/pki/lint/run-lints.js';
import { readPathCertificate } from '../../src/pki/path/path-certificate.js';
import { openStore } from '../../src/store/open-store.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { twoTeams } from '../server/v1-teams.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const COUNT = 24;
/** Fails its lint (before any batch). */
const LINT_BAD = 5;
/** Both draw the same serial: the second one written is refused by the store, inside a batch. */
const SAME_SERIAL = [11, 12];

/** The store, counting the transactions opened through it. */
function countingTransactions(store: Store): { counting: Store; transactions: () => number } {
  let count = 0;
  const counting = Object.create(store, {
    transaction: {
      value: (work: Parameters<Store['transaction']>[0]) => {
        count += 1;
        return store.transaction(work);
      },
    },
  }) as Store;
  return { counting, transactions: () => count };
}

/** A request from the CLI for a certificate of a new key (no CSR) of this common name, with these fields changed. */
async function newKeyRequest(
  commonName: string,
  fields: Partial<IssuanceRequest> = {},
  keyType: Parameters<typeof generateLeafKeyPair>[0] = 'ec-p256',
): Promise<IssuanceRequest> {
  return {
    authority: 'default',
    csr: null,
    publicKeySpki: (await generateLeafKeyPair(keyType)).publicKeySpki,
    commonName,
    dnsNames: [],
    ipAddresses: [],
    uris: [],
    ttlMs: null,
    identity: null,
    provisioner: { name: 'cli', kind: 'cli', claims: {} },
    ...fields,
  };
}

for (const dialect of DIALECTS) {
  describe(`Issuing many certificates at once on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let deps: IssueDependencies;
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
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
    });

    it('commits them in batches, each its own certificate and events; a bad one fails alone', async () => {
      let secondRound = false;
      const { counting, transactions } = countingTransactions(store);
      const batched: IssueDependencies = {
        ...deps,
        issuances: issuanceBatcher(counting),
        lint: (certificate, context) => [
          // Only in the second round.
          ...runLints(certificate, context),
          ...(secondRound && certificate.subjectAltNames.dns.includes(`svc-${LINT_BAD}.corp.example`)
            ? [{ lint: 'test-refusal', severity: 'error' as const, message: 'refused here', source: 'test' }]
            : []),
        ],
      };
      const fixedSerial: IssueDependencies = {
        ...batched,
        secureRandom: { bytes: (n) => new Uint8Array(n).fill(0x42) },
      };
      const requests: IssuanceRequest[] = [];
      for (let i = 0; i < COUNT; i++)
        requests.push(
          await newKeyRequest(`svc-${i}.corp.example`, {
            provisioner: { name: 'cli', kind: 'cli', claims: { n: String(i) } },
          }),
        );

      // All good: fewer transactions than certificates (the first alone, the others joining while it commits). How
      // many fewer depends on when each request's reads return (network round trips on PostgreSQL); the next test
      // counts the batches exactly.
      const good = await Promise.all(requests.map((request) => issueCertificate(batched, request)));
      assert.ok(transactions() < good.length, `${transactions()} transactions for ${good.length}`);

      // A lint failure and a store refusal among them: each fails alone (the batch is retried one by one).
      secondRound = true;
      const outcomes = await Promise.allSettled(
        requests.map((request, i) =>
          issueCertificate(SAME_SERIAL.includes(i) ? fixedSerial : batched, request),
        ),
      );

      const lintBad = outcomes[LINT_BAD]!;
      assert.equal(lintBad.status, 'rejected');
      assert.equal((lintBad.reason as { code?: string }).code, 'CUSTOS_LINT_FAILED');
      const sameSerial = SAME_SERIAL.map((i) => outcomes[i]!);
      assert.equal(sameSerial.filter((o) => o.status === 'fulfilled').length, 1);
      const refused = sameSerial.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      assert.equal((refused.reason as { code?: string }).code, 'CUSTOS_STORE_FAILED');

      const issued = [
        ...good.map((result, i) => ({ i, result })),
        ...outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ i, result: o.value }] : [])),
      ];
      assert.equal(issued.length, 2 * COUNT - 2);
      assert.equal(new Set(issued.map((x) => x.result.certificate.fingerprintSha256)).size, issued.length);
      for (const { i, result } of issued) {
        assert.deepEqual(readPathCertificate(result.certificate.der).subjectAltNames.dns, [
          `svc-${i}.corp.example`,
        ]);
        assert.deepEqual(
          await store.authorities.issued({ fingerprintSha256: result.certificate.fingerprintSha256 }),
          result.certificate,
        );
      }
      const entries = await store.inventory.listCertificates({
        fingerprints: issued.map((x) => x.result.certificate.fingerprintSha256),
      });
      assert.equal(entries.length, issued.length);
      assert.ok(entries.every((e) => e.sightings.some((s) => s.locationKey === 'issued:default')));

      const verified = await verifyAudit({ store, auditKeys: db.options.auditKeys });
      assert.equal(verified.ok, true);
      const records: Array<{ type: string; subject: string | null; data: unknown }> = [];
      for await (const record of store.audit.records()) records.push(record);
      const issuedEvents = records.flatMap((r, at) => (r.type === 'certificate.issued' ? [at] : []));
      assert.equal(issuedEvents.length, issued.length);
      for (const at of issuedEvents) {
        assert.equal(records[at + 1]!.type, 'sighting.started');
        assert.equal(records[at + 1]!.subject, records[at]!.subject);
      }
      const claimed = issuedEvents.map((at) => (records[at]!.data as { claims: { n: string } }).claims.n);
      assert.deepEqual(claimed.sort(), issued.map((x) => String(x.i)).sort());
    });

    it('gathers the issuances that start in one turn of the event loop into one transaction', async () => {
      // Requests read in the same turn each reach the batcher from their own I/O callback; SQLite's transaction is
      // synchronous, so without the gathering the first one committed alone before the next callback ran. The
      // issuances are signed first and handed to the batcher from 8 callbacks of one turn: issuing them end to end
      // would let the store's reads before recording (network round trips on PostgreSQL) spread them over turns.
      const signed: Array<Parameters<IssuanceRecorder['record']>[0]> = [];
      const signing: IssueDependencies = {
        ...deps,
        issuances: { record: (record) => (signed.push(record), Promise.resolve()) },
      };
      for (let i = 0; i < 8; i++)
        await issueCertificate(signing, await newKeyRequest(`turn-${i}.corp.example`));

      const inOneTurn = async (recorder: IssuanceRecorder, records: typeof signed): Promise<void> => {
        await Promise.all(
          records.map(
            (record) =>
              new Promise<void>((resolve, reject) =>
                setImmediate(() => recorder.record(record).then(resolve, reject)),
              ),
          ),
        );
      };
      const gathered = countingTransactions(store);
      await inOneTurn(issuanceBatcher(gathered.counting, { gather: nextTurn }), signed.slice(0, 4));
      assert.equal(gathered.transactions(), 1, 'one transaction for 4 issuances started in one turn');
      const ungathered = countingTransactions(store);
      await inOneTurn(issuanceBatcher(ungathered.counting), signed.slice(4));
      assert.ok(
        ungathered.transactions() > 1,
        'without gathering, the first issuance of the turn commits alone',
      );

      const fingerprints = signed.map((r) => r.certificate.fingerprintSha256);
      const entries = await store.inventory.listCertificates({ fingerprints });
      assert.equal(entries.length, signed.length);
      assert.ok(entries.every((e) => e.sightings.some((s) => s.locationKey === 'issued:default')));
    });

    it('records the evaluation that evaluating its stored entry gives: evaluating again changes nothing', async () => {
      // An issuance is evaluated from the entry it has just written, not read back: owner (through the identity),
      // policy decisions and lint findings must be what the stored certificate and sighting give.
      await applyManifests(deps, {
        text: twoTeams({ 'payments-api': 'team-a' }),
        fileName: 'teams.yaml',
        actor: 'test',
      });
      const request = (i: number, identity: string | null): Promise<IssuanceRequest> =>
        newKeyRequest(
          `svc-${i}.corp.example`,
          { dnsNames: [`svc-${i}.corp.example`], ttlMs: i === 3 ? 400 * 86_400_000 : null, identity },
          i % 2 === 0 ? 'ec-p256' : 'rsa-2048',
        );
      const batched: IssueDependencies = { ...deps, issuances: issuanceBatcher(store) };
      const issued = [
        await issueCertificate(deps, await request(0, 'payments-api')),
        await issueCertificate(deps, await request(1, null)),
        ...(await Promise.all(
          [2, 3, 4, 5].map(async (i) =>
            issueCertificate(batched, await request(i, i % 2 ? null : 'payments-api')),
          ),
        )),
      ];
      const fingerprints = issued.map((r) => r.certificate.fingerprintSha256);
      const recorded = await store.evaluations.evaluationsOf(fingerprints);
      assert.equal(recorded.size, fingerprints.length);
      assert.equal(recorded.get(fingerprints[0]!)?.owner, 'team-a');
      assert.equal(recorded.get(fingerprints[1]!)?.owner, null);

      const again = await store.transaction((tx) => evaluate({ tx, at: NOW, actor: 'test' }, fingerprints));
      assert.deepEqual(
        { written: again.written, owners: again.ownerChanges, decisions: again.decisionChanges },
        { written: 0, owners: [], decisions: [] },
      );
      const reread = await store.evaluations.evaluationsOf(fingerprints);
      for (const fingerprint of fingerprints)
        assert.deepEqual(
          { ...reread.get(fingerprint), evaluatedAt: null },
          { ...recorded.get(fingerprint), evaluatedAt: null },
        );
    });
  });
}

/**
 * The short pass of `npm run fuzz` (bench/fuzz): 2,000 seeded mutations per reader of untrusted input — the
 * containers (PEM, DER, PKCS#7, PKCS#12, JKS, Kubernetes manifests) through readContainer, which must never
 * throw and always give a well-formed result; the lean X.509 reader; path validation; the CSR and OCSP request
 * readers; issuance's CSR reader — end in a result or a coded error (PkiFormatError/DomainError), none slower
 * than 1 s. The slower targets run fewer: declarative manifests (with their CEL checks) 300, and through the real
 * server (`app.inject()`) the OCSP responder 300 and the API bodies 200, where a 5xx answer is a failure. Seeded: a
 * failure names its target and input index, replayed with `npm run fuzz -- --replay TARGET:INDEX --seed S`;
 * CUSTOS_FUZZ_SEED explores another seed. The heap figure is printed by `npm run fuzz`, not asserted here.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fuzzTarget } from '../../bench/fuzz/harness.js';
import { makeCorpus, TARGETS, type Corpus } from '../../bench/fuzz/targets.js';
import { readContainer } from '../../src/pki/formats/read-container.js';
import { hasKeytool, PASSWORD } from './container-fixtures.js';

const SEED = Number(process.env['CUSTOS_FUZZ_SEED'] ?? 20_261_203);
const COUNT = 2_000;
const COUNTS: Record<string, number> = { manifests: 300, 'ocsp-responder': 300, 'api-body': 200 };
/** Targets whose every seed is valid input, so that some mutations must be refused with a code. */
const REFUSING = new Set(['lean-x509', 'csr', 'ocsp-request', 'csr-request']);
const CONTAINERS = ['pem', 'der', 'pkcs7', 'pkcs12', 'jks', 'k8s-manifest'];

describe('fuzzing every reader of untrusted input', { timeout: 900_000 }, () => {
  let corpus: Corpus;
  before(async () => {
    corpus = await makeCorpus();
  });

  it('every container seed reads cleanly, with certificates, before it is mutated', () => {
    for (const target of CONTAINERS) {
      for (const seed of corpus[target]!) {
        const intact = readContainer(seed, { passwords: [PASSWORD] });
        assert.deepEqual(intact.problems, [], target);
        assert.ok(intact.certificates.length > 0, target);
      }
    }
  });

  for (const target of Object.keys(TARGETS)) {
    const count = COUNTS[target] ?? COUNT;
    const skip = target === 'jks' && !hasKeytool() ? 'no keytool (JRE) on this machine' : false;
    it(
      `${target}: ${count} mutations end in a result or a coded error, none over 1 s`,
      { skip },
      async () => {
        assert.ok(corpus[target]!.length > 0, 'the corpus has seeds');
        const stats = await fuzzTarget(corpus, target, { seed: SEED, count });
        const findings = stats.findings.map(
          (f) => `${f.kind} at ${target}:${f.index} (seed ${SEED}): ${f.detail}`,
        );
        assert.deepEqual(findings, []);
        assert.equal(stats.inputs, count);
        if (REFUSING.has(target)) assert.ok(stats.refused > count / 2, `${stats.refused} refused`);
      },
    );
  }
});

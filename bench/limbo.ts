/**
 * bench/limbo: how often `custos verify`'s validation (src/pki/path/analyse-chain.ts, the WebPKI profile) agrees
 * with C2SP x509-limbo's expected result.
 *
 *   node dist/bench/limbo.js /path/to/limbo.json [--all] [--show-agreeing]
 *   LIMBO_JSON=/path/to/limbo.json npm run bench -- limbo
 *
 * The suite is not in this repository and nothing is fetched: give its limbo.json (from a clone of
 * github.com/C2SP/x509-limbo, or `python -m limbo compile -o limbo.json` there). Without one the bench says so
 * and exits 0.
 *
 * Cases counted (the issue's figure): `validation_kind` SERVER, id `rfc5280::` or `webpki::`, without the
 * `has-crl` feature (Custos' path validation does not read CRLs) and without `rfc5280-incompatible-with-webpki`
 * (the suite's own mark for an RFC 5280 expectation that contradicts the WebPKI profile Custos implements). Skipped and named: cases whose expected peer
 * is an RFC822 name (no server validation asks for one), and cases that ask for a signature-algorithm or
 * keyUsage set of their own (the harness options Custos has no equivalent of). `--all` also counts the other
 * SERVER families (pathlen::, pathological::, cve::, ...). Prints the agreement, then every disagreeing case id
 * with the expected result and Custos' findings.
 */
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { parseArgs } from 'node:util';
import { analyseChain } from '../src/pki/path/analyse-chain.js';
import { isBlocking } from '../src/pki/path/path-finding.js';

interface PeerName {
  kind: 'DNS' | 'IP' | 'RFC822';
  value: string;
}

interface Testcase {
  id: string;
  features: string[] | null;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  signature_algorithms: string[] | null;
  key_usage: string[] | null;
  extended_key_usage: string[] | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: PeerName | null;
  max_chain_depth?: number | null;
}

const pemToDer = (pem: string): Uint8Array =>
  new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));

function skipReason(tc: Testcase, all: boolean): string | null {
  if (tc.validation_kind !== 'SERVER') return 'not SERVER';
  if (!all && !/^(rfc5280|webpki)::/.test(tc.id)) return 'not rfc5280/webpki';
  if (tc.features?.includes('has-crl')) return 'needs a CRL';
  if (tc.features?.includes('rfc5280-incompatible-with-webpki'))
    return 'marked rfc5280-incompatible-with-webpki';
  if (tc.expected_peer_name?.kind === 'RFC822') return 'RFC822 peer name';
  if (tc.signature_algorithms?.length) return 'own signature algorithm set';
  if (tc.key_usage?.length) return 'own keyUsage set';
  return null;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      'show-agreeing': { type: 'boolean' },
      profile: { type: 'string', default: 'both' },
    },
  });
  const file = positionals[0] ?? process.env['LIMBO_JSON'];
  if (!file) {
    console.log('limbo: no limbo.json given (argument or LIMBO_JSON); skipped');
    return;
  }
  const suite = JSON.parse(readFileSync(file, 'utf8')) as { testcases: Testcase[] };
  console.log(`limbo: ${suite.testcases.length} cases in ${file}`);
  const profiles = values.profile === 'both' ? [false, true] : [values.profile === 'strict'];
  for (const strict of profiles)
    await grade(suite.testcases, strict, values.all === true, values['show-agreeing'] === true);
}

async function grade(
  testcases: Testcase[],
  strict: boolean,
  all: boolean,
  showAgreeing: boolean,
): Promise<void> {
  const skipped = new Map<string, string[]>();
  const disagreeing: string[] = [];
  let counted = 0;
  let agreeing = 0;
  const started = performance.now();
  for (const tc of testcases) {
    const reason = skipReason(tc, all);
    if (reason) {
      skipped.set(reason, [...(skipped.get(reason) ?? []), tc.id]);
      continue;
    }
    counted++;
    const analysis = await analyseChain({
      served: [pemToDer(tc.peer_certificate), ...tc.untrusted_intermediates.map(pemToDer)],
      host: tc.expected_peer_name?.value ?? null,
      at: tc.validation_time ? new Date(tc.validation_time) : new Date(),
      trustAnchors: tc.trusted_certs.map(pemToDer),
      knownIntermediates: [],
      expiringWithinDays: 0,
      crypto: webcrypto,
      strict,
      anchorsNeedNotBeSent: true, // as custos verify: the trusted certificates are what the case trusts
    });
    const result = analysis.valid ? 'SUCCESS' : 'FAILURE';
    if (result === tc.expected_result) {
      agreeing++;
      if (showAgreeing) console.log(`  agree     ${tc.id}`);
    } else {
      const why = analysis.findings
        .filter(isBlocking)
        .map((f) => `${f.code}: ${f.message}`)
        .join(' | ');
      disagreeing.push(
        `  ${tc.id}: expected ${tc.expected_result}, custos ${result}${why ? ` (${why})` : ''}`,
      );
    }
  }
  const ms = performance.now() - started;
  console.log(`\nprofile: ${strict ? 'strict (custos verify --strict)' : 'default (custos verify)'}`);
  for (const [reason, ids] of skipped)
    console.log(`  skipped ${ids.length} (${reason})${ids.length <= 12 ? `: ${ids.join(', ')}` : ''}`);
  const scope = all ? 'SERVER cases without CRL' : 'RFC 5280 / WebPKI SERVER cases without CRL';
  console.log(
    `agreement: ${agreeing}/${counted} ${scope} = ${((100 * agreeing) / Math.max(counted, 1)).toFixed(1)}% ` +
      `(${(ms / Math.max(counted, 1)).toFixed(2)} ms per case)`,
  );
  if (disagreeing.length > 0) console.log(`disagreeing (${disagreeing.length}):\n${disagreeing.join('\n')}`);
}

await main();

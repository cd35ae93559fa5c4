/**
 * Trust bundles delivered like certificates (issue 11): a TrustBundle's `exec` and `webhook` destinations, through
 * the real CLI on SQLite and PostgreSQL. A real shell script installs the bundle it is given; a real HTTP server on
 * 127.0.0.1 receives the signed bundle. Neither can say what it holds, so a second run gives them nothing; `ca
 * rotate` gives them the new bundle at the next run; an endpoint that refuses is `failed`, audited, and given the
 * bundle again once it accepts, while the script that took it is left alone.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TrustBundlePayload } from '../../src/connectors/deployer-webhook/bundle-webhook-destination.js';
import { verifySignature } from '../../src/connectors/notifier-webhook/signature.js';
import { aCustos, runCustos, type CliResult, type Custos } from '../support/cli.js';
import { startHttpReceiver, type HttpReceiver } from '../notify/support/http-receiver.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const SECRET = 'bundle-install-secret';

interface BundleView {
  name: string;
  state: string;
  sha256: string | null;
  destinations: Array<{ target: string; ok: boolean; changed: boolean; error: string | null }>;
}

for (const dialect of DIALECTS) {
  describe(`TrustBundle exec and webhook destinations (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let db: TestDatabase;
    let custos: Custos;
    let receiver: HttpReceiver;
    let answers: number[];
    let installed: string;
    let runs: string;

    const cli = (...args: string[]): Promise<CliResult> =>
      runCustos([...custos.stateFlags, ...args], { env: { CUSTOS_BUNDLE_SECRET: SECRET } });
    const ok = async (...args: string[]): Promise<CliResult> => {
      const result = await cli(...args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return result;
    };
    const reconcile = async (expectedCode = 0): Promise<BundleView> => {
      const result = await cli('managed', 'reconcile', '--json');
      assert.equal(result.code, expectedCode, result.stderr);
      const bundle = result.json<{ bundles: BundleView[] }>().bundles.find((b) => b.name === 'corp-trust');
      assert.ok(bundle, result.stdout);
      return bundle;
    };
    const scriptRuns = async (): Promise<string[]> =>
      existsSync(runs) ? (await readFile(runs, 'utf8')).split('\n').filter(Boolean) : [];
    const posted = (): TrustBundlePayload[] =>
      receiver.requests.map((r) => JSON.parse(r.rawBody) as TrustBundlePayload);
    const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-bundle-exec-webhook-'));
      db = await dialect.create();
      custos = await aCustos(db.options);
      answers = [];
      receiver = await startHttpReceiver(() => answers.shift() ?? 200);
      installed = join(dir, 'installed.pem');
      runs = join(dir, 'runs.log');
      const script = join(dir, 'install-bundle.sh');
      await writeFile(
        script,
        `#!/bin/sh
set -e
cp "$CUSTOS_BUNDLE_FILE" '${installed}'
echo "$CUSTOS_ACTION $CUSTOS_TRUST_BUNDLE_NAME $CUSTOS_BUNDLE_SHA256" >> '${runs}'
`,
      );
      await chmod(script, 0o755);
      await ok('ca', 'init', '--name', 'edge', '--key-type', 'ec-p256');
      const manifest = join(dir, 'bundle.yaml');
      await writeFile(
        manifest,
        `apiVersion: custos/v1
kind: TrustBundle
metadata: {name: corp-trust}
spec:
  ca: edge
  destinations:
    - exec: {command: ['${script}'], timeout: 10s}
    - webhook: {url: '${receiver.url}/bundle', secretEnv: CUSTOS_BUNDLE_SECRET}
`,
      );
      await ok('apply', '-f', manifest);
    });
    after(async () => {
      await receiver?.close();
      await custos?.cleanup();
      await db?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('runs the command with the bundle and posts it signed; both equal `custos ca bundle`', async () => {
      const delivered = await reconcile();
      assert.equal(delivered.state, 'deployed');
      const bundle = (await ok('ca', 'bundle', '--ca', 'edge')).stdout;
      assert.equal(delivered.sha256, sha256(bundle));
      assert.equal(await readFile(installed, 'utf8'), bundle);
      assert.deepEqual(await scriptRuns(), [`deploy-bundle corp-trust ${sha256(bundle)}`]);

      assert.equal(receiver.requests.length, 1);
      const request = receiver.requests[0]!;
      const check = verifySignature(request.headers['custos-signature'] as string, request.rawBody, SECRET, {
        nowSeconds: Date.now() / 1000,
        toleranceSeconds: 3600,
      });
      assert.equal(check.valid, true);
      assert.equal(request.path, '/bundle');
      const payload = posted()[0]!;
      assert.equal(payload.type, 'custos.trust-bundle');
      assert.equal(payload.name, 'corp-trust');
      assert.equal(payload.pem, bundle);
      assert.equal(payload.sha256, sha256(bundle));
      assert.deepEqual(
        delivered.destinations.map((d) => [d.target.split(':')[0], d.ok, d.changed]),
        [
          ['exec', true, true],
          ['webhook', true, true],
        ],
      );
    });

    it('a second run, and two at once, give them nothing: the audit trail says what they accepted', async () => {
      assert.equal((await reconcile()).state, 'unchanged');
      const [a, b] = await Promise.all([
        cli('managed', 'reconcile', '--json'),
        cli('managed', 'reconcile', '--json'),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.equal((await scriptRuns()).length, 1);
      assert.equal(receiver.requests.length, 1);
    });

    it('after `ca rotate` the next run gives both the new bundle; a refusing endpoint is retried alone', async () => {
      await ok('ca', 'rotate', 'edge', '--overlap', '1h');
      const bundle = (await ok('ca', 'bundle', '--ca', 'edge')).stdout;
      answers.push(503);
      const refused = await reconcile(1);
      assert.equal(refused.state, 'failed');
      assert.deepEqual(
        refused.destinations.map((d) => [d.target.split(':')[0], d.ok]),
        [
          ['exec', true],
          ['webhook', false],
        ],
      );
      assert.equal(await readFile(installed, 'utf8'), bundle);
      const failed = (await ok('audit', 'export')).stdout
        .split('\n')
        .filter((l) => l.includes('"bundle.deploy-failed"'));
      assert.equal(failed.length, 1);

      // The retry waits for its backoff (about 5 s); the job then runs again and only the endpoint is given it.
      let state = 'failed';
      for (let i = 0; i < 60 && state !== 'deployed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const result = await cli('managed', 'reconcile', '--json');
        state =
          result.json<{ bundles: BundleView[] }>().bundles.find((b) => b.name === 'corp-trust')?.state ?? '';
      }
      assert.equal(state, 'deployed');
      assert.equal(receiver.requests.length, 3, 'the first post, the refused one, the retry');
      assert.equal(posted().at(-1)?.pem, bundle);
      assert.equal(posted().at(-1)?.sha256, sha256(bundle));
      assert.equal((await scriptRuns()).length, 2, 'the command that took the new bundle is not run again');
      assert.equal((await reconcile()).state, 'unchanged');
    });
  });
}

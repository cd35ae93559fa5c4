/**
 * `/v1/findings`, the declarative objects, `/v1/apply`, `/v1/findings/ack` and `/v1/audit` over a real store with
 * real scanned files, through inject() with real tokens: each answers what the CLI's `--json` prints on the same
 * data dir, refuses what the CLI refuses with the same code, records its changes in the audit trail under the
 * token, and keeps an owner-bound token to its owner's certificates.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KINDS, SPEC_SCHEMAS } from '../../src/core/declarative/objects.js';
import { parse } from 'yaml';
import { apiToken, bearer } from '../support/api-token.js';
import { anEstate, type Estate } from './v1-estate.js';

describe('/v1 findings, objects, apply, ack and audit', () => {
  let estate: Estate;
  let reader: string;
  let writer: string;
  let alphaWriter: string;

  const call = async (
    method: 'GET' | 'POST',
    url: string,
    token: string,
    payload?: unknown,
    type?: string,
  ) => {
    const response = await estate.t.app.inject({
      method,
      url,
      headers: { ...bearer(token), ...(type === undefined ? {} : { 'content-type': type }) },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
    const json = response.headers['content-type']?.toString().includes('json') ?? false;
    return {
      status: response.statusCode,
      body: (json && !response.headers['content-type']?.toString().includes('ndjson')
        ? response.json()
        : response.body) as unknown,
      text: response.body,
    };
  };
  const cli = async (...args: string[]): Promise<unknown> => {
    const result = await estate.custos.run(...args);
    assert.equal(result.code, 0, result.stderr);
    return result.json();
  };

  before(async () => {
    estate = await anEstate();
    reader = await apiToken(estate.t.rt, { scopes: ['read'] });
    writer = await apiToken(estate.t.rt, { scopes: ['write'] });
    alphaWriter = await apiToken(estate.t.rt, { scopes: ['write'], owner: 'alpha' });
  });
  after(async () => {
    await estate?.cleanup();
  });

  test('GET /v1/findings answers what `custos findings --json` prints; an owner-bound token gets its own', async () => {
    const { status, body } = await call('GET', '/v1/findings', reader);
    assert.equal(status, 200);
    assert.deepEqual(body, await cli('findings', '--json'));
    const expired = await call('GET', '/v1/findings?finding=expired', reader);
    assert.deepEqual(expired.body, await cli('findings', '--json', '--finding', 'expired'));
    const alpha = (await call('GET', '/v1/findings', alphaWriter)).body as Array<{
      fingerprintSha256: string;
    }>;
    const alphaPrints = new Set(
      [...estate.alpha, estate.chain.leaf, estate.chain.intermediate, estate.chain.root].map(
        (c) => c.fingerprintSha256,
      ),
    );
    assert.ok(alpha.length > 0 && alpha.every((f) => alphaPrints.has(f.fingerprintSha256)));
  });

  test('objects: lists and details answer what `custos get KIND -o json` prints', async () => {
    for (const collection of ['owners', 'rules', 'policies', 'identities', 'exceptions']) {
      const { status, body } = await call('GET', `/v1/${collection}`, reader);
      assert.equal(status, 200, collection);
      assert.deepEqual(body, await cli('get', collection, '-o', 'json'), collection);
    }
    const alpha = await call('GET', '/v1/owners/alpha', reader);
    assert.equal((alpha.body as { metadata: { name: string } }).metadata.name, 'alpha');
    const missing = await call('GET', '/v1/owners/nobody', reader);
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { code: string }).code, 'CUSTOS_NOT_FOUND');
    const bound = (await call('GET', '/v1/owners', alphaWriter)).body as Array<{
      metadata: { name: string };
    }>;
    assert.deepEqual(
      bound.map((o) => o.metadata.name),
      ['alpha'],
    );
  });

  test('POST /v1/apply: a JSON array or YAML, all or nothing, the codes of `custos apply -f`, audited as the token', async () => {
    const gamma = {
      apiVersion: 'custos/v1',
      kind: 'Owner',
      metadata: { name: 'gamma' },
      spec: { contacts: { email: ['gamma@corp.example'] } },
    };
    const invalid = { ...gamma, metadata: { name: 'delta' }, spec: { contacts: { email: 'not-a-list' } } };
    const refused = await call(
      'POST',
      '/v1/apply',
      writer,
      JSON.stringify([gamma, invalid]),
      'application/json',
    );
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal((refused.body as { code: string }).code, 'CUSTOS_MANIFEST_INVALID');
    assert.match((refused.body as { detail: string }).detail, /document 2 \(Owner\/delta\)/);
    assert.equal((await call('GET', '/v1/owners/gamma', reader)).status, 404, 'nothing applied');

    const dry = await call(
      'POST',
      '/v1/apply?dryRun=true',
      writer,
      JSON.stringify([gamma]),
      'application/json',
    );
    assert.deepEqual(dry.body, {
      dryRun: true,
      objects: [{ kind: 'Owner', name: 'gamma', change: 'created', generation: 1 }],
      ownerChanges: [],
      // The server has no SMTP configured: applied all the same, with a warning naming the contact.
      warnings: [
        {
          owner: 'gamma',
          channel: 'email',
          contact: 'gamma@corp.example',
          message:
            'Owner/gamma: email contact gamma@corp.example will get no notices: the email channel is not configured (set smtp.url and smtp.from in custos.yaml, or CUSTOS_SMTP_URL and CUSTOS_SMTP_FROM)',
        },
      ],
    });
    const yaml =
      'apiVersion: custos/v1\nkind: Owner\nmetadata: {name: gamma}\nspec:\n  contacts: {email: [gamma@corp.example]}\n';
    const applied = await call('POST', '/v1/apply', writer, yaml, 'application/yaml');
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal((applied.body as { objects: Array<{ change: string }> }).objects[0]?.change, 'created');
    const owners = (await cli('get', 'owners', '-o', 'json')) as Array<{ metadata: { name: string } }>;
    assert.ok(owners.some((o) => o.metadata.name === 'gamma'));

    const audit = await call('GET', '/v1/audit?subject=Owner/gamma&type=object', reader);
    const records = (audit.body as { items: Array<{ actor: string; type: string }> }).items;
    assert.ok(records.length > 0, JSON.stringify(audit.body));
    assert.ok(
      records.every((r) => r.actor.startsWith('api:tok_')),
      JSON.stringify(records),
    );

    const forbidden = await call(
      'POST',
      '/v1/apply',
      alphaWriter,
      JSON.stringify([gamma]),
      'application/json',
    );
    assert.equal(forbidden.status, 403);
    assert.equal((forbidden.body as { code: string }).code, 'CUSTOS_FORBIDDEN');
    const readOnly = await call('POST', '/v1/apply', reader, JSON.stringify([gamma]), 'application/json');
    assert.equal(readOnly.status, 403);
  });

  test('one schema source: /openapi.json has a component per kind, the schema `custos apply -f` validates with', async () => {
    const doc = (await call('GET', '/openapi.json', reader)).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    for (const kind of KINDS) {
      const component = doc.components.schemas[kind];
      assert.ok(component, `components.schemas.${kind}`);
      // The spec schema of core/declarative (OpenAPI 3.0 spells patternProperties as additionalProperties).
      const spec = component.properties.spec as { properties: object; required?: string[] };
      const source = SPEC_SCHEMAS[kind] as { properties: object; required?: string[] };
      assert.deepEqual(Object.keys(spec.properties), Object.keys(source.properties), `${kind}: its fields`);
      assert.deepEqual(spec.required, source.required, `${kind}: its required fields`);
      assert.deepEqual(component.properties.kind, { type: 'string', enum: [kind] });
    }
    assert.ok(
      (doc.components.schemas.Owner?.properties.spec as { properties: Record<string, unknown> }).properties
        .escalation,
      'fields of the kind, e.g. Owner spec.escalation',
    );
    const body = JSON.stringify(doc.paths['/v1/apply']?.post?.requestBody);
    for (const kind of KINDS)
      assert.ok(body.includes(`#/components/schemas/${kind}"`), `apply takes ${kind}`);
    assert.match(JSON.stringify(doc.paths['/v1/owners']?.get?.responses), /#\/components\/schemas\/Owner"/);
    assert.match(JSON.stringify(doc.paths['/v1/managed']?.post?.requestBody), /ManagedCertificate"/);
  });

  test('an invalid file gets the same code and field paths from POST /v1/apply as from `custos apply -f`', async () => {
    const yaml = `apiVersion: custos/v1
kind: Owner
metadata: {name: delta}
spec:
  contacts: {email: not-a-list}
  colour: blue
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: delta-files}
spec:
  owner: delta
  order: "10"
  match: {paths: ["/srv/delta/**"]}
---
apiVersion: custos/v1
kind: Exception
metadata: {name: Delta}
spec:
  waives: [weak-key]
  scope: {}
  reason: legacy
  compensatingControl: none
  approver: ciso@corp.example
  expires: next year
`;
    const dir = await mkdtemp(join(tmpdir(), 'custos-apply-'));
    try {
      const file = join(dir, 'delta.yaml');
      await writeFile(file, yaml);
      const cli = await estate.custos.run('apply', '-f', file);
      assert.equal(cli.code, 2, cli.stderr);
      assert.match(cli.stderr, /^custos: CUSTOS_MANIFEST_INVALID: /);
      /** `FILE:LINE: document N (Kind/name) PATH: message` without the file, and without the line (JSON has its own). */
      const problems = (text: string, prefix: string, withLine: boolean) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(prefix) && /^\d+: document /.test(l.slice(prefix.length)))
          .map((l) =>
            l
              .slice(prefix.length)
              .replace(withLine ? /^/ : /^\d+: /, '')
              // The CLI prints the hint after the last problem; the API sends it as `hint`.
              .replace(/ \(fix every problem listed and apply the file again\)$/, ''),
          );
      const fromCli = problems(cli.stderr, `${file}:`, true);
      assert.ok(fromCli.length >= 5, cli.stderr);
      for (const path of [
        'spec.contacts.email',
        'spec.colour',
        'spec.order',
        'metadata.name',
        'spec.scope',
        'spec.expires',
      ])
        assert.ok(
          fromCli.some((p) => p.includes(` ${path}: `)),
          `${path} in:\n${fromCli.join('\n')}`,
        );

      const asYaml = await call('POST', '/v1/apply', writer, yaml, 'application/yaml');
      assert.equal(asYaml.status, 422);
      const problem = asYaml.body as { code: string; detail: string };
      assert.equal(problem.code, 'CUSTOS_MANIFEST_INVALID');
      assert.deepEqual(
        problems(problem.detail, 'request body:', true),
        fromCli,
        'the same lines, paths, messages',
      );

      const documents = yaml.split('---\n').map((d) => parse(d) as unknown);
      const asJson = await call('POST', '/v1/apply', writer, JSON.stringify(documents), 'application/json');
      assert.equal(asJson.status, 422);
      assert.equal((asJson.body as { code: string }).code, 'CUSTOS_MANIFEST_INVALID');
      assert.deepEqual(
        problems((asJson.body as { detail: string }).detail, 'request body:', false),
        problems(cli.stderr, `${file}:`, false),
        'the same documents, paths and messages as JSON',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('POST /v1/findings/ack acknowledges as `custos ack`, and only the owner-bound token own certificates', async () => {
    const mine = estate.alpha[0]?.fingerprintSha256 as string;
    const acked = await call(
      'POST',
      '/v1/findings/ack',
      alphaWriter,
      JSON.stringify({ fingerprint: mine.slice(0, 12) }),
      'application/json',
    );
    assert.equal(acked.status, 200, JSON.stringify(acked.body));
    assert.equal((acked.body as { fingerprintSha256: string }).fingerprintSha256, mine);
    const theirs = estate.beta[0]?.fingerprintSha256 as string;
    const refused = await call(
      'POST',
      '/v1/findings/ack',
      alphaWriter,
      JSON.stringify({ fingerprint: theirs }),
      'application/json',
    );
    assert.equal(refused.status, 404);
    const trail = await call('GET', `/v1/audit?subject=${mine}`, reader);
    const types = (trail.body as { items: Array<{ type: string }> }).items.map((r) => r.type);
    assert.ok(
      types.some((t) => t.includes('ack')),
      JSON.stringify(types),
    );
  });

  test('GET /v1/audit pages by cursor; an owner-bound token reads its certificates records only', async () => {
    const all: Array<{ seq: number }> = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/audit?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = (await call('GET', url, reader)).body as {
        items: Array<{ seq: number }>;
        nextCursor: string | null;
      };
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(
      all.map((r) => r.seq),
      all.map((_, i) => i + 1),
    );
    const alpha = (await call('GET', '/v1/audit?limit=1000', alphaWriter)).body as {
      items: Array<{ subject: string }>;
    };
    const alphaPrints = new Set(
      [...estate.alpha, estate.chain.leaf, estate.chain.intermediate, estate.chain.root].map(
        (c) => c.fingerprintSha256,
      ),
    );
    assert.ok(alpha.items.length > 0 && alpha.items.every((r) => alphaPrints.has(r.subject)));
  });

  test('GET /v1/audit/export writes what `custos audit export` writes; POST /v1/audit/verify checks the chain', async () => {
    const exported = await call('GET', '/v1/audit/export', reader);
    assert.equal(exported.status, 200);
    const lines = exported.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const cliExport = await estate.custos.run('audit', 'export');
    assert.equal(cliExport.code, 0, cliExport.stderr);
    const cliLines = cliExport.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The same records; each checkpoint is signed at its own moment.
    assert.deepEqual(lines.slice(0, -1), cliLines.slice(0, lines.length - 1));
    assert.ok('signature' in (lines.at(-1) as object));
    const verified = await call(
      'POST',
      '/v1/audit/verify',
      reader,
      JSON.stringify({ checkpoints: [lines.at(-1)] }),
      'application/json',
    );
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal((verified.body as { ok: boolean }).ok, true);
    const state = await call(
      'POST',
      '/v1/audit/verify',
      reader,
      JSON.stringify({ state: true }),
      'application/json',
    );
    assert.equal((state.body as { ok: boolean; areas: unknown[] }).ok, true, JSON.stringify(state.body));
    assert.equal((await call('GET', '/v1/audit/export', alphaWriter)).status, 403);
  });
});

/**
 * Every file a user names goes through one reader (src/connectors/files/read-user-file.ts): a FIFO, /dev/zero or a
 * directory is refused with CUSTOS_FILE_NOT_REGULAR at once (a FIFO used to block `apply -f` for ever and
 * /dev/zero grew `verify` to 2.4 GB), a file above the limit is CUSTOS_FILE_TOO_LARGE, and a YAML alias bomb is
 * CUSTOS_MANIFEST_INVALID (exit 2), not CUSTOS_INTERNAL.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readUserFile } from '../../src/connectors/files/read-user-file.js';
import { DomainError } from '../../src/core/errors.js';
import { aCertificate } from '../support/certificates.js';
import { aCustos, runCustos, type Custos } from '../support/cli.js';

const POLICY = `apiVersion: custos/v1
kind: Policy
metadata: {name: any}
spec:
  type: compliance
  code: any
  severity: low
  validations:
    - expression: "true"
      message: never
`;

describe('files a user names', () => {
  let dir: string;
  let custos: Custos;
  let fifo: string;
  let big: string;
  let cert: string;
  let policy: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-user-files-'));
    custos = await aCustos();
    fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    big = join(dir, 'big.pem');
    await writeFile(big, '');
    await truncate(big, 16 * 1024 * 1024 + 1);
    cert = join(dir, 'leaf.pem');
    await writeFile(cert, (await aCertificate()).pem);
    policy = join(dir, 'policy.yaml');
    await writeFile(policy, POLICY);
  });
  after(async () => {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const commands = (bad: string): string[][] => [
    ['verify', bad],
    ['verify', cert, '--chain', bad],
    ['verify', cert, '--trust', bad],
    ['scan', 'tls', '--targets-file', bad],
    ['apply', '-f', bad],
    ['policy', 'test', policy, '--certificate', bad],
    ['policy', 'test', bad, '--certificate', cert],
  ];
  const run = (args: string[]) => runCustos([...custos.stateFlags, ...args], { timeoutMs: 20_000 });

  for (const [kind, code] of [
    ['a FIFO', 'CUSTOS_FILE_NOT_REGULAR'],
    ['/dev/zero', 'CUSTOS_FILE_NOT_REGULAR'],
    ['a directory', 'CUSTOS_FILE_NOT_REGULAR'],
    ['a file above 16 MiB', 'CUSTOS_FILE_TOO_LARGE'],
  ] as const) {
    test(`${kind} is refused by every command that reads a named file`, async () => {
      const bad =
        kind === 'a FIFO' ? fifo : kind === '/dev/zero' ? '/dev/zero' : kind === 'a directory' ? dir : big;
      for (const args of commands(bad)) {
        const result = await run(args);
        assert.equal(result.code, 2, `custos ${args.join(' ')}: ${result.code}\n${result.stderr}`);
        assert.match(
          result.stderr,
          new RegExp(`^custos: ${code}: .*${bad.replace(/[/.]/g, '\\$&')}`),
          args.join(' '),
        );
      }
    });
  }

  test('a billion-laughs alias bomb is CUSTOS_MANIFEST_INVALID, exit 2', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = join(dir, 'bomb.yaml');
    await writeFile(
      bomb,
      `apiVersion: custos/v1\nkind: Owner\nmetadata: {name: x}\nspec:\n  ${levels.join('\n  ')}\n`,
    );
    const result = await run(['apply', '-f', bomb]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^custos: CUSTOS_MANIFEST_INVALID: /);
    assert.match(result.stdout + result.stderr, /alias/i);
  });

  test('a map or list used as a YAML key is refused with its line, and yaml prints no warning', async () => {
    const manifest = join(dir, 'collection-key.yaml');
    await writeFile(
      manifest,
      'apiVersion: custos/v1\nkind: Owner\nmetadata: {name: x}\nspec:\n  ? [a, b]\n  : c\n',
    );
    const applied = await run(['apply', '-f', manifest]);
    assert.equal(applied.code, 2, applied.stderr);
    assert.match(applied.stderr, /^custos: CUSTOS_MANIFEST_INVALID: /);
    assert.match(
      applied.stdout + applied.stderr,
      /collection-key\.yaml\b.*\b5\b.*a key must be a plain value/s,
    );
    assert.doesNotMatch(applied.stderr, /Warning/);

    const config = join(dir, 'collection-key-config.yaml');
    await writeFile(config, 'scan:\n  {timeout: 5s}: 10\n');
    const shown = await run(['--config', config, 'config', 'show']);
    assert.equal(shown.code, 2, shown.stderr);
    assert.match(shown.stderr, /CUSTOS_CONFIG_INVALID/);
    assert.match(shown.stderr, /collection-key-config\.yaml:2: .*a key must be a plain value/);
    assert.doesNotMatch(shown.stderr, /Warning/);
  });
});

test('readUserFile reads a regular file and honours a smaller limit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-read-user-file-'));
  try {
    const file = join(dir, 'f.txt');
    await writeFile(file, 'hello');
    assert.equal((await readUserFile(file)).toString(), 'hello');
    await assert.rejects(
      readUserFile(file, { maxBytes: 4, what: '--config' }),
      (e) =>
        e instanceof DomainError && e.code === 'CUSTOS_FILE_TOO_LARGE' && e.message.startsWith('--config '),
    );
    await assert.rejects(
      readUserFile(join(dir, 'missing')),
      (e) => e instanceof DomainError && e.code === 'CUSTOS_FILE_NOT_FOUND',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

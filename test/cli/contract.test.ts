/**
 * The CLI contract of issue 3, checked on the real `custos`: version, --help with examples on every command,
 * one-line errors with stable codes and exit codes, JSON that parses, stdout free of progress, where the state
 * lives by default.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { aCertificate, withFreshKey, withSubject } from '../support/certificates.js';
import { aCustos, CUSTOS_BIN, runCustos, type CliResult, type Custos } from '../support/cli.js';

const run = promisify(execFile);

/** The one-line error the contract asks for: `custos: CUSTOS_CODE: message`, and nothing else on stderr. */
function assertOneLineError(result: CliResult, code: string, exit = 2): void {
  assert.equal(result.code, exit, `exit code of an error ${code}: ${result.stderr}`);
  assert.match(result.stderr, new RegExp(`^custos: ${code}: \\S`), 'stderr starts with the code');
  assert.equal(result.stderr.trimEnd().split('\n').length, 1, `one line on stderr:\n${result.stderr}`);
  assert.equal(result.stdout, '', 'nothing on stdout');
}

/** Every command path of the CLI, found the way a user finds them: through --help. */
async function commandPaths(prefix: string[] = []): Promise<string[][]> {
  const help = await runCustos([...prefix, '--help']);
  assert.equal(help.code, 0, `custos ${prefix.join(' ')} --help: ${help.stderr}`);
  const section = help.stdout.split(/^Commands:$/m)[1];
  if (section === undefined) return [prefix];
  const names = [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1] as string)
    .filter((n) => n !== 'help');
  const paths: string[][] = [];
  for (const name of names) paths.push(...(await commandPaths([...prefix, name])));
  return paths;
}

describe('the custos CLI contract', () => {
  let dir: string;
  let custos: Custos;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-e2e-contract-'));
    custos = await aCustos();
    const a = await aCertificate(withSubject('CN=contract.example'), withFreshKey());
    await mkdir(join(dir, 'tree'));
    await writeFile(join(dir, 'tree', 'a.pem'), a.pem);
  });
  after(async () => {
    await custos?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('custos --version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(dirname(CUSTOS_BIN), '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = await runCustos(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${pkg.version}\n`);
    assert.equal(result.stderr, '');
  });

  test('every command has --help with an example of its use', async () => {
    const paths = await commandPaths();
    const names = paths.map((p) => p.join(' '));
    for (const expected of [
      'scan files',
      'inventory list',
      'inventory show',
      'findings',
      'audit verify',
      'audit export',
    ])
      assert.ok(names.includes(expected), `custos ${expected} is a command (found: ${names.join(', ')})`);
    const missing: string[] = [];
    for (const path of paths) {
      const help = await runCustos([...path, '--help']);
      assert.equal(help.code, 0, `custos ${path.join(' ')} --help exits 0`);
      assert.equal(help.stderr, '');
      const example = new RegExp(`^\\s+(\\$ )?custos ${path.join(' ')}\\b`, 'm');
      if (!example.test(help.stdout)) missing.push(path.join(' '));
    }
    assert.deepEqual(missing, [], 'commands whose --help shows no example');
  });

  test('an unknown flag is a usage error: exit 2, CUSTOS_USAGE on one line', async () => {
    assertOneLineError(
      await custos.run('scan', 'files', join(dir, 'tree'), '--no-such-flag'),
      'CUSTOS_USAGE',
    );
    assertOneLineError(await custos.run('inventory', 'list', '--bogus'), 'CUSTOS_USAGE');
    assertOneLineError(await runCustos(['no-such-command']), 'CUSTOS_USAGE');
    assertOneLineError(await custos.run('scan', 'files'), 'CUSTOS_USAGE');
    // Commander's suggestion stays on the same line as the error.
    const typo = await runCustos(['inventori']);
    assertOneLineError(typo, 'CUSTOS_USAGE');
    assert.match(typo.stderr, /Did you mean inventory\?/);
  });

  test('a missing path exits 2 with one line naming it, and scans nothing', async () => {
    const missing = join(dir, 'no', 'such', 'dir');
    const result = await custos.run('scan', 'files', join(dir, 'tree'), missing, '--json');
    assertOneLineError(result, 'CUSTOS_FILE_NOT_FOUND');
    assert.ok(result.stderr.includes(missing));
    const listed = await custos.run('inventory', 'list', '--json');
    assert.deepEqual(listed.json(), [], 'nothing was scanned');
  });

  test('bad flag values and unknown fingerprints exit 2 with their codes', async () => {
    assertOneLineError(await custos.run('inventory', 'show', 'abcdef0123'), 'CUSTOS_NOT_FOUND');
    assertOneLineError(await custos.run('inventory', 'show', 'not-hex'), 'CUSTOS_INVALID_ARGUMENT');
    assertOneLineError(await custos.run('inventory', 'list', '--at', 'yesterday'), 'CUSTOS_INVALID_ARGUMENT');
    assertOneLineError(
      await custos.run('inventory', 'list', '--expiring-within', '30x'),
      'CUSTOS_INVALID_ARGUMENT',
    );
    assertOneLineError(
      await custos.run('audit', 'export', '--since', 'last week'),
      'CUSTOS_INVALID_ARGUMENT',
    );
  });

  test('--json output parses, and stdout carries nothing else when not on a terminal', async () => {
    const scan = await custos.run('scan', 'files', join(dir, 'tree'), '--json');
    assert.equal(scan.code, 0, scan.stderr);
    assert.equal(scan.stderr, '', 'no progress on stderr when it is not a terminal');
    assert.deepEqual(Object.keys(scan.json<object>()).slice(0, 4), [
      'files',
      'certificates',
      'new',
      'unchanged',
    ]);
    const list = await custos.run('inventory', 'list', '--json');
    const [entry] = list.json<Array<{ fingerprintSha256: string }>>();
    assert.ok(entry);
    for (const args of [
      ['inventory', 'show', entry.fingerprintSha256.slice(0, 10), '--json'],
      ['findings', '--json'],
      ['audit', 'verify', '--json'],
    ]) {
      const result = await custos.run(...args);
      assert.equal(result.code, 0, `custos ${args.join(' ')}: ${result.stderr}`);
      assert.doesNotThrow(() => result.json(), `custos ${args.join(' ')} prints JSON`);
      assert.equal(result.stderr, '');
    }
    const table = await custos.run('scan', 'files', join(dir, 'tree'));
    assert.equal(table.code, 0);
    assert.match(table.stdout, /1 file .*1 certificate, 0 new/);
    assert.equal(table.stderr, '');
  });

  test('on a terminal, progress goes to stderr and stdout still holds only the JSON', async () => {
    const out = join(dir, 'out.json');
    const command = [
      process.execPath,
      CUSTOS_BIN,
      ...custos.stateFlags,
      'scan',
      'files',
      join(dir, 'tree'),
      '--json',
    ]
      .map((word) => `'${word}'`)
      .join(' ');
    // script(1) gives the command a pseudo-terminal; stdout is redirected to a file, stderr stays on the terminal.
    const { stdout: terminal } = await run('script', ['-qec', `${command} > '${out}'`, '/dev/null']);
    assert.match(terminal, /scanning: 1 file,/, 'progress is shown on the terminal');
    const json = JSON.parse(await readFile(out, 'utf8')) as { files: number };
    assert.equal(json.files, 1);
  });

  test('the state lives in ./.custos by default, in CUSTOS_DATA_DIR when set', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'custos-e2e-cwd-'));
    try {
      const byDefault = await runCustos(['scan', 'files', join(dir, 'tree'), '--json'], { cwd });
      assert.equal(byDefault.code, 0, byDefault.stderr);
      assert.ok(existsSync(join(cwd, '.custos', 'custos.db')), './.custos/custos.db was created');
      const fromEnv = join(cwd, 'elsewhere');
      const byEnv = await runCustos(['scan', 'files', join(dir, 'tree'), '--json'], {
        cwd,
        env: { CUSTOS_DATA_DIR: fromEnv },
      });
      assert.equal(byEnv.code, 0, byEnv.stderr);
      assert.equal(byEnv.json<{ new: number }>().new, 1, 'a fresh store in CUSTOS_DATA_DIR');
      assert.ok(existsSync(join(fromEnv, 'custos.db')));
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

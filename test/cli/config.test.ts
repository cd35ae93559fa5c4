/**
 * custos.yaml, CUSTOS_* variables and flags, through the real `custos` (a process per run, each in a directory of
 * its own): the precedence flag > env > file > default, where the file is found, every problem of an invalid
 * configuration at once with its line, variable or flag, and `config show` with sources and redacted passwords.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aCertificate, withFreshKey, withSubject } from '../support/certificates.js';
import { runCustos, type CliResult } from '../support/cli.js';

interface Shown {
  file: string | null;
  config: {
    dataDir: string;
    databaseUrl?: string;
    logLevel: string;
    smtp?: { url: string; from: string };
    scan: { timeout: string; concurrency: number; dnsServers?: string[] };
  };
  sources: Record<string, { from: string; flag?: string; variable?: string; file?: string; line?: number }>;
}

describe('custos.yaml, CUSTOS_* and flags: one configuration', () => {
  let dir: string;
  const show = async (cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<Shown> => {
    const result = await runCustos([...args, 'config', 'show', '-o', 'json'], { cwd, env });
    assert.equal(result.code, 0, result.stderr);
    return result.json<Shown>();
  };
  /** A fresh working directory holding the given custos.yaml (none when text is null). */
  const workdir = async (name: string, text: string | null): Promise<string> => {
    const cwd = join(dir, name);
    await mkdir(cwd, { recursive: true });
    if (text !== null) await writeFile(join(cwd, 'custos.yaml'), text);
    return cwd;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a flag beats CUSTOS_*, which beats the file, which beats the default', async () => {
    const cwd = await workdir('precedence', 'dataDir: ./from-file\nscan:\n  timeout: 2s\n');
    const env = { CUSTOS_DATA_DIR: './from-env' };
    const all = await show(cwd, ['--data-dir', './from-flag'], env);
    assert.equal(all.config.dataDir, './from-flag');
    assert.deepEqual(all.sources.dataDir, { from: 'flag', flag: '--data-dir' });

    const noFlag = await show(cwd, [], env);
    assert.equal(noFlag.config.dataDir, './from-env');
    assert.deepEqual(noFlag.sources.dataDir, { from: 'env', variable: 'CUSTOS_DATA_DIR' });

    const fileOnly = await show(cwd);
    assert.equal(fileOnly.config.dataDir, './from-file');
    assert.deepEqual(fileOnly.sources.dataDir, { from: 'file', file: join(cwd, 'custos.yaml'), line: 1 });
    assert.equal(fileOnly.config.scan.timeout, '2s');
    assert.deepEqual(fileOnly.sources['scan.timeout'], {
      from: 'file',
      file: join(cwd, 'custos.yaml'),
      line: 3,
    });

    const nothing = await show(await workdir('precedence-none', null));
    assert.equal(nothing.file, null);
    assert.equal(nothing.config.dataDir, './.custos');
    assert.deepEqual(nothing.sources.dataDir, { from: 'default' });
    assert.equal(nothing.config.scan.concurrency, 64);

    // Environment values are text, turned into the key's type.
    const typed = await show(cwd, [], {
      CUSTOS_SCAN_CONCURRENCY: '12',
      CUSTOS_SCAN_DNS_SERVERS: '10.0.0.53, [fd00::53]:53',
    });
    assert.equal(typed.config.scan.concurrency, 12);
    assert.deepEqual(typed.config.scan.dnsServers, ['10.0.0.53', '[fd00::53]:53']);
  });

  test('the configured dataDir is where a command keeps its state', async () => {
    const cwd = await workdir('effect', 'dataDir: ./state\n');
    const tree = join(cwd, 'tree');
    await mkdir(tree);
    await writeFile(
      join(tree, 'a.pem'),
      (await aCertificate(withSubject('CN=config.example'), withFreshKey())).pem,
    );
    const scan = await runCustos(['scan', 'files', tree, '--json'], { cwd });
    assert.equal(scan.code, 0, scan.stderr);
    assert.ok(existsSync(join(cwd, 'state', 'custos.db')), 'the store is in the configured ./state');
    assert.ok(!existsSync(join(cwd, '.custos')), 'not in the default ./.custos');
    const listed = await runCustos(['inventory', 'list', '--json'], { cwd });
    assert.equal(listed.json<unknown[]>().length, 1, 'the next command reads the same store');
  });

  test('the file is --config FILE, else CUSTOS_CONFIG, else ./custos.yaml', async () => {
    const cwd = await workdir('discovery', 'dataDir: ./cwd-file\n');
    const flagFile = join(dir, 'flag.yaml');
    const envFile = join(dir, 'env.yaml');
    await writeFile(flagFile, 'dataDir: ./flag-file\n');
    await writeFile(envFile, 'dataDir: ./env-file\n');

    const byFlag = await show(cwd, ['--config', flagFile], { CUSTOS_CONFIG: envFile });
    assert.equal(byFlag.file, flagFile);
    assert.equal(byFlag.config.dataDir, './flag-file');
    const byEnv = await show(cwd, [], { CUSTOS_CONFIG: envFile });
    assert.equal(byEnv.file, envFile);
    assert.equal(byEnv.config.dataDir, './env-file');
    const inCwd = await show(cwd);
    assert.equal(inCwd.file, join(cwd, 'custos.yaml'));
    assert.equal(inCwd.config.dataDir, './cwd-file');

    const missing = await runCustos(['--config', join(dir, 'no-such.yaml'), 'config', 'show'], { cwd });
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /^custos: CUSTOS_FILE_NOT_FOUND: --config: the configuration file .*no-such\.yaml does not exist/,
    );
    // The configuration goes through the one reader of user-named files: a FIFO is refused, never waited on.
    const fifo = join(dir, 'custos.fifo');
    execFileSync('mkfifo', [fifo]);
    const piped = await runCustos(['--config', fifo, 'config', 'show'], { cwd });
    assert.equal(piped.code, 2);
    assert.match(piped.stderr, /^custos: CUSTOS_FILE_NOT_REGULAR: /);
    const missingEnv = await runCustos(['config', 'show'], {
      cwd,
      env: { CUSTOS_CONFIG: join(dir, 'gone.yaml') },
    });
    assert.equal(missingEnv.code, 2);
    assert.match(
      missingEnv.stderr,
      /CUSTOS_FILE_NOT_FOUND: CUSTOS_CONFIG: the configuration file .*gone\.yaml/,
    );
  });

  test('an invalid configuration is refused with every problem at once, each at its line, variable or flag', async () => {
    const cwd = await workdir(
      'invalid',
      [
        'dataDir: ./state', // 1
        'logLevel: loud', // 2
        'scan:', // 3
        '  concurrency: 0', // 4
        '  timeout: fast', // 5
        '  retries: 3', // 6
        'smtp:', // 7
        '  url: http://mail.example', // 8
        '  from: custos@corp.example', // 9
        'colour: blue', // 10
      ].join('\n'),
    );
    const file = join(cwd, 'custos.yaml');
    const tree = join(cwd, 'tree');
    await mkdir(tree);
    const result: CliResult = await runCustos(['scan', 'tls', 'localhost', '--concurrency', 'many'], {
      cwd,
      env: { CUSTOS_DATABASE_URL: 'mysql://db/custos', CUSTOS_SCAN_DNS_SERVERS: 'not-an-ip' },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.match(
      lines[0] ?? '',
      /^custos: CUSTOS_CONFIG_INVALID: the configuration has 9 problems, nothing was done$/,
    );
    // The hint (what to do) ends the last line.
    const problems = lines.slice(1).map((l) => l.trim());
    assert.deepEqual(
      problems.map((p) => p.replace(/ \(got .*$/, '').replace(/: must be .*|: unknown key .*/, '')),
      [
        `${file}:2: logLevel`,
        `${file}:4: scan.concurrency`,
        `${file}:5: scan.timeout`,
        `${file}:6: scan.retries`,
        `${file}:8: smtp.url`,
        `${file}:10: colour`,
        'CUSTOS_DATABASE_URL: databaseUrl',
        'CUSTOS_SCAN_DNS_SERVERS: scan.dnsServers[0]',
        '--concurrency: scan.concurrency',
      ],
    );
    assert.match(
      problems[0] ?? '',
      /logLevel: must be one of silent, fatal, error, warn, info, debug, trace \(got "loud"\)/,
    );
    assert.match(problems[1] ?? '', /scan\.concurrency: must be >= 1 \(got 0\)/);
    assert.match(
      problems[3] ?? '',
      /scan\.retries: unknown key \(expected timeout, concurrency, dnsServers, tls, profiles\)/,
    );
    assert.match(
      problems[8] ?? '',
      /--concurrency: scan\.concurrency: must be a whole number \(got "many"\)/,
    );
    assert.match(lines.at(-1) ?? '', /docs\/configuration\.md/);
    assert.ok(!existsSync(join(cwd, 'state')), 'nothing was done: no store was created');
  });

  test('a key needed with another is named where the other was set', async () => {
    const cwd = await workdir('smtp-half', null);
    const result = await runCustos(['config', 'show'], {
      cwd,
      env: { CUSTOS_SMTP_URL: 'smtp://mail.example:25' },
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /CUSTOS_CONFIG_INVALID: the configuration has 1 problem[^\n]*\n {2}CUSTOS_SMTP_URL: smtp\.from: is required here when smtp\.url is set/,
    );
  });

  test('config show prints the effective configuration with sources, passwords redacted, as YAML or JSON', async () => {
    const cwd = await workdir(
      'show',
      'smtp:\n  url: smtp://custos:s3cr%40t@mail.example:587\n  from: Custos <custos@corp.example>\nscan:\n  concurrency: 8\n',
    );
    const env = {
      CUSTOS_DATABASE_URL: 'postgres://custos:hunter2@db.example:5432/custos',
      CUSTOS_SCAN_TIMEOUT: '3s',
    };
    const yaml = await runCustos(['--log-level', 'warn', 'config', 'show'], { cwd, env });
    assert.equal(yaml.code, 0, yaml.stderr);
    const file = join(cwd, 'custos.yaml');
    assert.equal(
      yaml.stdout,
      [
        `# configuration file: ${file}`,
        '',
        'dataDir: ./.custos # default',
        'databaseUrl: postgres://custos:(redacted)@db.example:5432/custos # env CUSTOS_DATABASE_URL',
        'logLevel: warn # flag --log-level',
        'smtp:',
        `  url: smtp://custos:(redacted)@mail.example:587 # file ${file}:2`,
        `  from: Custos <custos@corp.example> # file ${file}:3`,
        'scan:',
        '  timeout: 3s # env CUSTOS_SCAN_TIMEOUT',
        `  concurrency: 8 # file ${file}:5`,
        '  tls:',
        '    endAfter: 3 # default',
        '    endAfterDuration: 7d # default',
        'server:',
        '  listen: 127.0.0.1:8700 # default',
        '  baseUrl: http://127.0.0.1:8700 # default',
        '  createCa: true # default',
        '  tls:',
        '    enabled: false # default',
        '    authority: default # default',
        '    duration: 30d # default',
        'metrics:',
        '  public: false # default',
        '  maxSeries: 100000 # default',
        'ca:',
        '  crlValidity: 7d # default',
        '  ocspValidity: 1h # default',
        '  ocspSigner: delegated # default',
        '',
      ].join('\n'),
    );
    for (const secret of ['hunter2', 's3cr'])
      assert.ok(!yaml.stdout.includes(secret), `${secret} is not shown`);

    const json = await show(cwd, ['--log-level', 'warn'], env);
    assert.equal(json.file, file);
    assert.equal(json.config.smtp?.url, 'smtp://custos:(redacted)@mail.example:587');
    assert.equal(json.config.databaseUrl, 'postgres://custos:(redacted)@db.example:5432/custos');
    assert.deepEqual(json.sources, {
      dataDir: { from: 'default' },
      databaseUrl: { from: 'env', variable: 'CUSTOS_DATABASE_URL' },
      logLevel: { from: 'flag', flag: '--log-level' },
      'smtp.url': { from: 'file', file, line: 2 },
      'smtp.from': { from: 'file', file, line: 3 },
      'scan.timeout': { from: 'env', variable: 'CUSTOS_SCAN_TIMEOUT' },
      'scan.concurrency': { from: 'file', file, line: 5 },
      'scan.tls.endAfter': { from: 'default' },
      'scan.tls.endAfterDuration': { from: 'default' },
      'server.listen': { from: 'default' },
      'server.baseUrl': { from: 'default' },
      'metrics.public': { from: 'default' },
      'metrics.maxSeries': { from: 'default' },
      'server.createCa': { from: 'default' },
      'server.tls.enabled': { from: 'default' },
      'server.tls.authority': { from: 'default' },
      'server.tls.duration': { from: 'default' },
      'ca.crlValidity': { from: 'default' },
      'ca.ocspValidity': { from: 'default' },
      'ca.ocspSigner': { from: 'default' },
    });
    const bad = await runCustos(['config', 'show', '-o', 'toml'], { cwd });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /CUSTOS_INVALID_ARGUMENT: -o: "toml" is not yaml or json/);
  });

  test('--log-level writes JSON lines on stderr, and nothing by default', async () => {
    const cwd = await workdir('logs', null);
    const quiet = await runCustos(['inventory', 'list', '--json'], { cwd });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
    const loud = await runCustos(['--log-level', 'debug', 'inventory', 'list', '--json'], { cwd });
    assert.equal(loud.code, 0, loud.stderr);
    const records = loud.stderr
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; store?: string });
    assert.deepEqual(
      records.map((r) => r.msg),
      ['configuration loaded', 'store opened'],
    );
    assert.equal(records[1]?.store, 'sqlite');
    assert.deepEqual(loud.json(), [], 'stdout stays the command output');
  });
});

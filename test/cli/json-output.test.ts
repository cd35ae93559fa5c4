/**
 * `--json` as docs/cli.md says, through the real CLI on a real pseudo-terminal (util-linux `script`, else python3's
 * pty module): indented by two spaces when stdout is a terminal, compact when piped (the whole document on one
 * line, as jq and scripts read it); `audit checkpoint` prints one JSON line on both.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aCertificate, withDnsNames } from '../support/certificates.js';
import { aCustos, CUSTOS_BIN, type Custos } from '../support/cli.js';

const found = (command: string, args: string[]): Promise<boolean> =>
  new Promise((resolve) => execFile(command, args, (error) => resolve(error === null)));
const hasScript = await found('script', ['--version']);
const hasPython = !hasScript && (await found('python3', ['-c', 'import pty']));

const quoted = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `node bin/custos ...args` with stdout on a pseudo-terminal (stderr to a pipe of its own, so progress and
 * warnings stay out of what is read); resolves with its exit code and stdout, the terminal's CR LF as LF.
 */
function onATerminal(args: string[]): Promise<{ code: number; stdout: string }> {
  const command = [process.execPath, CUSTOS_BIN, ...args].map(quoted).join(' ');
  const env: Record<string, string> = { TERM: 'dumb' };
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CUSTOS_')) env[k] ??= v;
  const [file, argv] = hasScript
    ? ['script', ['-qec', `${command} 2>/dev/null`, '/dev/null']]
    : [
        'python3',
        [
          '-c',
          'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(["sh", "-c", sys.argv[1]])))',
          `${command} 2>/dev/null`,
        ],
      ];
  return new Promise((resolve) => {
    const child = execFile(file, argv, { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout) =>
      resolve({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
        stdout: stdout.replace(/\r\n/g, '\n'),
      }),
    );
    child.stdin?.end();
  });
}

describe(
  '--json on a terminal and piped',
  { skip: !hasScript && !hasPython && 'neither script nor python3' },
  () => {
    let dir: string;
    let custos: Custos;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-json-output-'));
      const web = await aCertificate(withDnsNames('web.corp.example'));
      await writeFile(join(dir, 'web.pem'), web.pem);
      custos = await aCustos();
      const scan = await custos.run('scan', 'files', dir, '--json');
      assert.equal(scan.code, 0, scan.stderr);
      await writeFile(
        join(dir, 'owner.yaml'),
        'apiVersion: custos/v1\nkind: Owner\nmetadata: {name: web}\nspec: {contacts: {email: [web@corp.example]}}\n',
      );
      const apply = await custos.run('apply', '-f', join(dir, 'owner.yaml'));
      assert.equal(apply.code, 0, apply.stderr);
    });
    after(async () => {
      await custos?.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    for (const args of [
      ['inventory', 'list', '--json'],
      ['scan', 'files', '<dir>', '--json'],
      ['get', 'owners', '-o', 'json'],
    ])
      test(`custos ${args.join(' ')}: indented on a terminal, one line piped`, async () => {
        const command = args.map((a) => (a === '<dir>' ? dir : a));
        const piped = await custos.run(...command);
        assert.equal(piped.code, 0, piped.stderr);
        const document = piped.json();
        assert.equal(piped.stdout, `${JSON.stringify(document)}\n`, 'piped: the document on one line');
        const terminal = await onATerminal([...custos.stateFlags, ...command]);
        assert.equal(terminal.code, 0, terminal.stdout);
        const indented = JSON.parse(terminal.stdout) as unknown;
        // The same fields (a rescan's own figures, such as its duration, may differ), indented by two spaces.
        assert.equal(terminal.stdout, `${JSON.stringify(indented, null, 2)}\n`);
        assert.match(terminal.stdout, /^[[{]\n {2}\S/);
        assert.deepEqual(Object.keys(indented as object), Object.keys(document as object));
      });

    test('audit checkpoint prints one JSON line on a terminal too', async () => {
      const terminal = await onATerminal([...custos.stateFlags, 'audit', 'checkpoint']);
      assert.equal(terminal.code, 0, terminal.stdout);
      const checkpoint = JSON.parse(terminal.stdout) as unknown;
      assert.equal(terminal.stdout, `${JSON.stringify(checkpoint)}\n`);
    });
  },
);

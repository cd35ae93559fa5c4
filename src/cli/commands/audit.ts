import type { Command } from 'commander';
import type { AuditBreak } from '../../core/audit/audit-chain.js';
import type { StateVerification } from '../../core/audit/verify-state.js';
import type { AuditVerification } from '../../core/verify-audit.js';
import type { AuditStateVerification } from '../../core/audit/verify-audit-state.js';
import type { SignedCheckpoint } from '../../core/audit/checkpoint-audit.js';
import { DomainError } from '../../core/errors.js';
import { action, collect, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';
import { parseMoment } from '../parse-flags.js';
import { counted } from '../../core/plural.js';

interface VerifyOptions {
  json?: boolean;
  checkpoint?: string[];
  file?: string;
  publicKey?: string;
  state?: boolean;
}

/** Prints a verification: the summary on stdout, or the break as one line on stderr; returns the exit code. */
function report(
  result: { ok: boolean; break: AuditBreak | null },
  json: boolean | undefined,
  summary: string,
) {
  if (json) printJson(result);
  else if (result.ok) printLine(summary);
  else process.stderr.write(`custos: CUSTOS_AUDIT_CHAIN_BROKEN: ${result.break?.message}\n`);
  return result.ok ? EXIT.ok : EXIT.found;
}

/** Prints the state check after an intact chain: a summary, or one line per mismatch on stderr. */
function reportState(
  chain: AuditVerification,
  state: Pick<StateVerification, 'ok' | 'areas'>,
  json: boolean | undefined,
  summary: string,
) {
  if (json) printJson({ ...chain, ok: state.ok, areas: state.areas });
  else if (state.ok) {
    const checked = state.areas.filter((a) => a.checked).map((a) => a.area);
    printLine(`${summary}; the state is what the events say (${checked.join(', ') || 'no area'})`);
    for (const area of state.areas) if (!area.checked) printLine(`${area.area}: ${area.note}`);
  } else {
    for (const area of state.areas) {
      for (const mismatch of area.mismatches) {
        process.stderr.write(`custos: CUSTOS_AUDIT_STATE_MISMATCH: ${area.area}: ${mismatch}\n`);
      }
    }
  }
  return state.ok ? EXIT.ok : EXIT.found;
}

export function registerAudit(program: Command): void {
  const audit = commandGroup(program, 'audit', 'the tamper-evident audit trail');
  audit
    .command('verify')
    .description(
      'Walk the audit chain and check every record: its hash, its link to the one before, and its MAC under the audit key; then the head, and each checkpoint given. Exits 1 naming the first record that was altered, forged, removed or reordered. With --file, checks an export offline, without the database or the key.',
    )
    .option(
      '--json',
      'print {"ok","records","break":{"kind","seq","message"}|null}, with --state also "areas":[{"area","ok","checked","mismatches"}]',
    )
    .option(
      '--state',
      'then recompute the open sightings, owners, assignments and declarative objects from the events and compare them with the tables, so an edit that wrote no event is caught (exit 1, one CUSTOS_AUDIT_STATE_MISMATCH line each)',
    )
    .option(
      '--checkpoint <file>',
      'a checkpoint `custos audit checkpoint` printed: the history up to it must be intact (repeatable)',
      collect,
    )
    .option(
      '--file <export>',
      'verify this `custos audit export` file offline (hash chain and signed checkpoint)',
    )
    .option(
      '--public-key <pem>',
      'with --file: the checkpoint must be signed by this key (`custos audit public-key`)',
    )
    .addHelpText(
      'after',
      examples(
        'custos audit verify',
        'custos audit verify --state',
        'custos audit verify --checkpoint checkpoints/2026-12-01.json --checkpoint checkpoints/2026-12-02.json',
        'custos audit verify --file audit.jsonl --public-key audit-public.pem',
      ),
    )
    .action(
      action(async (options: VerifyOptions, command: Command) => {
        const files = await import('../audit-files.js');
        if (options.file !== undefined && options.state) {
          throw new DomainError(
            'CUSTOS_USAGE',
            '--state checks the database and cannot be combined with --file',
          );
        }
        if (options.file !== undefined) {
          const { verifyExport } = await import('../../core/audit/verify-export.js');
          const publicKeyPem = options.publicKey ? await files.readPublicKey(options.publicKey) : undefined;
          const result = await verifyExport(files.exportLines(options.file), {
            source: options.file,
            publicKeyPem,
          });
          return report(
            result,
            options.json,
            `export intact: ${result.records} records (${result.firstSeq ?? 0}..${result.lastSeq ?? 0}), checkpoint signed by audit key ${result.keyId}`,
          );
        }
        const [{ withBackend }, { verifyAuditAndState }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/audit/verify-audit-state.js'),
        ]);
        const checkpoints = await files.readCheckpoints(options.checkpoint ?? []);
        const verified = await withBackend(globalOptions(command), {
          local: (rt) => verifyAuditAndState(rt, { checkpoints, state: options.state === true }),
          remote: (api) =>
            api.request<AuditStateVerification>({
              method: 'POST',
              path: '/v1/audit/verify',
              body: { state: options.state === true, checkpoints: checkpoints.map((c) => c.checkpoint) },
            }),
        });
        const held =
          checkpoints.length > 0
            ? `, ${counted(checkpoints.length, 'checkpoint')} ${checkpoints.length === 1 ? 'holds' : 'hold'}`
            : '';
        const summary = `audit chain intact: ${counted(verified.records, 'record')}${held}`;
        return verified.areas === undefined
          ? report(verified, options.json, summary)
          : reportState(verified, { ok: verified.ok, areas: verified.areas }, options.json, summary);
      }),
    );
  audit
    .command('checkpoint')
    .description(
      'Verify the chain, then print a statement {seq, hash, at} of its head signed with the audit key (Ed25519), to be kept outside the database: `audit verify --checkpoint` later proves the history up to it intact.',
    )
    .option('--webhook <url>', 'also POST the checkpoint (JSON) to this URL')
    .option(
      '--webhook-secret-file <file>',
      'sign the POST as notifications are (Custos-Signature) with this secret',
    )
    .addHelpText(
      'after',
      examples(
        'custos audit checkpoint > checkpoints/$(date +%F).json',
        'custos audit checkpoint --webhook https://evidence.corp.example/custos --webhook-secret-file /run/secrets/hook',
      ),
    )
    .action(
      action(async (options: { webhook?: string; webhookSecretFile?: string }, command: Command) => {
        const [{ withBackend }, { checkpointAudit }, files] = await Promise.all([
          import('../runtime.js'),
          import('../../core/audit/checkpoint-audit.js'),
          import('../audit-files.js'),
        ]);
        const { signed, send } = await withBackend(globalOptions(command), {
          local: async (rt) => ({ signed: await checkpointAudit(rt), send: rt.sendCheckpoint }),
          remote: async (api, deps) => ({
            signed: await api.request<SignedCheckpoint>({ method: 'POST', path: '/v1/audit/checkpoint' }),
            send: deps.sendCheckpoint,
          }),
        });
        if (!signed.ok) return report(signed, false, '');
        if (signed.checkpoint === null) return EXIT.found;
        printLine(JSON.stringify(signed.checkpoint));
        if (options.webhook !== undefined) {
          const secret = options.webhookSecretFile
            ? (await files.readText(options.webhookSecretFile, 'a file holding the webhook secret')).trim()
            : undefined;
          await send(options.webhook, signed.checkpoint, {
            secret,
            at: new Date(signed.checkpoint.checkpoint.at),
          });
        }
        return EXIT.ok;
      }),
    );
  audit
    .command('public-key')
    .description(
      'Print the public key (PEM) that checkpoints and exports are signed with, for auditors to pin (`audit verify --file ... --public-key`).',
    )
    .addHelpText('after', examples('custos audit public-key > audit-public.pem'))
    .action(
      action(async (_options: object, command: Command) => {
        const { withBackendNoStore } = await import('../runtime.js');
        const pem = await withBackendNoStore(globalOptions(command), {
          local: async (deps) => (await deps.loadAuditKeys()).publicKeyPem,
          remote: (api) => api.text({ method: 'GET', path: '/v1/audit/public-key' }),
        });
        process.stdout.write(pem);
        return EXIT.ok;
      }),
    );
  audit
    .command('export')
    .description(
      'Print the audit trail as JSON lines, oldest first, each record with its seq, prevHash, hash and mac, then a checkpoint line signed over the last record with the public key, so `audit verify --file` can check it offline. A broken chain is exported without a checkpoint, and exits 1.',
    )
    .option(
      '--since <time>',
      'only records at or after this time: a time (2026-10-01T00:00:00Z) or how long ago (7d, 12h)',
    )
    .addHelpText(
      'after',
      examples(
        'custos audit export > audit.jsonl',
        'custos audit export --since 2026-10-01 | jq .type',
        'custos audit export --since 24h > last-day.jsonl',
      ),
    )
    .action(
      action(async (options: { since?: string }, command: Command) => {
        const since = options.since === undefined ? undefined : parseMoment(options.since, '--since');
        const [{ withBackend }, { exportAudit, exportAuditRemote }] = await Promise.all([
          import('../runtime.js'),
          import('../audit-export.js'),
        ]);
        const broken = await withBackend(globalOptions(command), {
          local: (rt) => exportAudit(rt, since?.(rt.clock.now())),
          // A duration is counted back from this machine's clock: the server's is not asked for.
          remote: (api) => exportAuditRemote(api, since?.(new Date())),
        });
        if (broken === null) return EXIT.ok;
        process.stderr.write(
          `custos: CUSTOS_AUDIT_CHAIN_BROKEN: ${broken.message} (exported without a checkpoint)\n`,
        );
        return EXIT.found;
      }),
    );
}

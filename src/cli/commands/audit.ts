import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';
import { parseTime } from '../parse-flags.js';

export function registerAudit(program: Command): void {
  const audit = commandGroup(program, 'audit', 'the tamper-evident audit trail');
  audit
    .command('verify')
    .description(
      'Walk the audit hash chain and check every record. Exits 1 naming the first record that was altered, removed or reordered.',
    )
    .option('--json', 'print {"ok","records","break":{"kind","seq","message"}|null}')
    .addHelpText('after', examples('custos audit verify', 'custos audit verify --json'))
    .action(
      action(async (options: { json?: boolean }, command: Command) => {
        const [{ withRuntime }, { verifyAudit }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/verify-audit.js'),
        ]);
        const result = await withRuntime(globalOptions(command), (rt) => verifyAudit(rt));
        if (options.json) printJson(result);
        else if (result.ok) printLine(`audit chain intact: ${result.records} records`);
        else process.stderr.write(`custos: CUSTOS_AUDIT_CHAIN_BROKEN: ${result.break?.message}\n`);
        return result.ok ? EXIT.ok : EXIT.found;
      }),
    );
  audit
    .command('export')
    .description(
      'Print the audit trail as JSON lines, oldest first, each record with its seq, prevHash and hash.',
    )
    .option('--since <time>', 'only records at or after this time, e.g. 2026-10-01T00:00:00Z')
    .addHelpText(
      'after',
      examples('custos audit export > audit.jsonl', 'custos audit export --since 2026-10-01 | jq .type'),
    )
    .action(
      action(async (options: { since?: string }, command: Command) => {
        const since = options.since !== undefined ? parseTime(options.since, '--since') : undefined;
        const { withRuntime } = await import('../runtime.js');
        await withRuntime(globalOptions(command), async (rt) => {
          let buffer = '';
          for await (const record of rt.store.audit.records({ since })) {
            buffer += `${JSON.stringify({ ...record, at: record.at.toISOString() })}\n`;
            if (buffer.length > 65_536) {
              if (!process.stdout.write(buffer)) await new Promise((r) => process.stdout.once('drain', r));
              buffer = '';
            }
          }
          process.stdout.write(buffer);
        });
        return EXIT.ok;
      }),
    );
}

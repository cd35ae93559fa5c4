import type { Command } from 'commander';
import type { OwnerChange } from '../../core/ownership/reconcile-ownership.js';
import { action, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printWarning, shortFingerprint } from '../output.js';

/** One certificate whose owner an apply or delete changed: `certificate 8a7899a06872db6e: owner (none) -> payments by rule r`. */
export const ownerChangeLine = (c: OwnerChange, suffix = ''): string =>
  `certificate ${shortFingerprint(c.fingerprintSha256)}: owner ${c.oldOwner ?? '(none)'} -> ${c.newOwner ?? '(none)'} by ${c.by}${suffix}`;

interface ApplyOptions {
  file: string;
  dryRun?: boolean;
  json?: boolean;
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description(
      'Apply owners, identities, ownership rules, policies and exceptions from a multi-document YAML file, all or nothing: if any document is invalid nothing is applied and every problem is listed with its document, field path and line.',
    )
    .requiredOption('-f, --file <file>', 'the YAML file (apiVersion: custos/v1, kind, metadata.name, spec)')
    .option('--dry-run', 'print what would change and write nothing')
    .option(
      '--json',
      'print {"dryRun","objects":[{"kind","name","change","generation"}],"ownerChanges":[...],"warnings":[{"owner","channel","contact","message"}]}',
    )
    .addHelpText(
      'after',
      examples('custos apply -f governance.yaml', 'custos apply --dry-run -f governance.yaml'),
    )
    .action(
      action(async (options: ApplyOptions, command: Command) => {
        const [{ withBackend }, { applyManifests }, { readUserFile }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/declarative/apply-manifests.js'),
          import('../../compose/user-files.js'),
        ]);
        const text = (await readUserFile(options.file, { what: 'the manifest' })).toString('utf8');
        const result = await withBackend(globalOptions(command), {
          local: (rt) =>
            applyManifests(rt, {
              text,
              fileName: options.file,
              actor: rt.actor,
              dryRun: options.dryRun === true,
            }),
          // The file goes as it is (YAML), so the server's problems name its documents and lines.
          remote: (api) =>
            api.request<Awaited<ReturnType<typeof applyManifests>>>({
              method: 'POST',
              path: '/v1/apply',
              query: { dryRun: options.dryRun === true || undefined },
              body: text,
              contentType: 'application/yaml',
            }),
        });
        // Warnings go to stderr in every output form: stdout stays what scripts parse.
        for (const w of result.warnings) printWarning(w.message);
        if (options.json) {
          printJson(result);
          return EXIT.ok;
        }
        const suffix = result.dryRun ? ' (dry run)' : '';
        for (const o of result.objects) printLine(`${o.kind}/${o.name} ${o.change}${suffix}`);
        for (const c of result.ownerChanges) printLine(ownerChangeLine(c, suffix));
        return EXIT.ok;
      }),
    );
}

import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import type { OwnerChange } from '../../core/ownership/reconcile-ownership.js';
import { action, collect, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printWarning, shortFingerprint } from '../output.js';

/** One certificate whose owner an apply or delete changed: `certificate 8a7899a06872db6e: owner (none) -> payments by rule r`. */
export const ownerChangeLine = (c: OwnerChange, suffix = ''): string =>
  `certificate ${shortFingerprint(c.fingerprintSha256)}: owner ${c.oldOwner ?? '(none)'} -> ${c.newOwner ?? '(none)'} by ${c.by}${suffix}`;

interface ApplyOptions {
  file: string[];
  dryRun?: boolean;
  json?: boolean;
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description(
      'Apply declarative objects (owners, identities, ownership rules, policies, exceptions, managed certificates, trust bundles) from multi-document YAML files, all or nothing: if any document is invalid nothing is applied and every problem is listed with its file, document, field path and line.',
    )
    .requiredOption(
      '-f, --file <file>',
      'a YAML file (apiVersion: custos/v1, kind, metadata.name, spec); repeatable: the files are applied as one set',
      collect,
    )
    .option('--dry-run', 'print what would change and write nothing')
    .option(
      '--json',
      'print {"dryRun","objects":[{"kind","name","change","generation"}],"ownerChanges":[...],"warnings":[{"owner","channel","contact","message"}]}',
    )
    .addHelpText(
      'after',
      examples(
        'custos apply -f governance.yaml',
        'custos apply --dry-run -f governance.yaml',
        'custos apply -f owners.yaml -f policies.yaml',
      ),
    )
    .action(
      action(async (options: ApplyOptions, command: Command) => {
        const [{ withBackend }, { applyManifests }, { readUserFile }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/declarative/apply-manifests.js'),
          import('../../compose/user-files.js'),
        ]);
        const files = [];
        for (const fileName of options.file)
          files.push({
            fileName,
            text: (await readUserFile(fileName, { what: 'the manifest' })).toString('utf8'),
          });
        const [first, ...moreFiles] = files;
        if (first === undefined) throw new DomainError('CUSTOS_USAGE', 'apply: give -f FILE');
        // To a server the files go as one YAML stream (documents separated by ---): one request, all or nothing.
        const text = files.map((f) => f.text.replace(/\n?$/, '\n')).join('---\n');
        const result = await withBackend(globalOptions(command), {
          local: (rt) =>
            applyManifests(rt, { ...first, moreFiles, actor: rt.actor, dryRun: options.dryRun === true }),
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

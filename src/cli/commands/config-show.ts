import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson } from '../output.js';

export function registerConfigShow(program: Command): void {
  commandGroup(program, 'config', 'the configuration: custos.yaml, CUSTOS_* variables and flags')
    .command('show')
    .description(
      'Print the effective configuration (flags over CUSTOS_* variables over custos.yaml over defaults), with ' +
        'passwords redacted, and where each value came from. Exits 2 listing every problem when it is not valid.',
    )
    .option('-o, --output <format>', 'yaml (default; each source as a comment) or json')
    .addHelpText(
      'after',
      examples(
        'custos config show',
        'custos --config /etc/custos/custos.yaml config show -o json | jq .sources',
      ),
    )
    .action(
      action(async (options: { output?: string }, command: Command) => {
        const format = options.output ?? 'yaml';
        if (format !== 'yaml' && format !== 'json')
          throw new DomainError('CUSTOS_INVALID_ARGUMENT', `-o: "${format}" is not yaml or json`);
        const [{ withDependencies }, { redactedConfig }, { CONFIG_KEYS }, { sourceText }] = await Promise.all(
          [
            import('../runtime.js'),
            import('../../compose/config/redact.js'),
            import('../../compose/config/schema.js'),
            import('../../compose/config/value-source.js'),
          ],
        );
        const shown = await withDependencies(globalOptions(command), async (deps) => ({
          file: deps.configFile,
          config: redactedConfig(deps.config),
          sources: Object.fromEntries(
            CONFIG_KEYS.flatMap((k) => {
              const source = deps.configSources.get(k.name);
              return source === undefined ? [] : [[k.name, source] as const];
            }),
          ),
        }));
        if (format === 'json') {
          printJson(shown);
          return EXIT.ok;
        }
        const { Document, isCollection, isScalar } = await import('yaml');
        const doc = new Document(shown.config);
        for (const key of CONFIG_KEYS) {
          const source = shown.sources[key.name];
          const node: unknown = doc.getIn(key.path, true);
          if (source === undefined) continue;
          // A list of scalars on one line with its source; a list of maps (provisioners) in block style, its source
          // above it.
          if (isCollection(node) && node.items.every((item) => isScalar(item))) node.flow = true;
          if (isCollection(node) && !node.flow) node.commentBefore = ` ${sourceText(source)}`;
          else if (isScalar(node) || isCollection(node)) node.comment = ` ${sourceText(source)}`;
        }
        doc.commentBefore = ` configuration file: ${shown.file ?? '(none)'}`;
        process.stdout.write(doc.toString());
        return EXIT.ok;
      }),
    );
}

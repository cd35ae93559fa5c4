import type { Command } from 'commander';
import {
  COLLECTION_OF_KIND,
  KIND_WORDS,
  kindNamed,
  SINGULAR_OF_KIND,
} from '../../core/declarative/kind-names.js';
import type { AnyDeclarativeObject } from '../../core/declarative/objects.js';
import { DomainError } from '../../core/errors.js';
import { counted } from '../../core/plural.js';
import { action, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine, printTable } from '../output.js';

function summary(o: AnyDeclarativeObject): string {
  switch (o.kind) {
    case 'Owner':
      return `${[...(o.spec.contacts.email ?? [])].join(', ') || '-'}; ${o.spec.escalation?.length ?? 0} escalation level(s)`;
    case 'Identity':
      return `${o.spec.kind}, owner ${o.spec.owner}${o.spec.spiffeId ? `, ${o.spec.spiffeId}` : ''}`;
    case 'OwnershipRule':
      return `order ${o.spec.order ?? 0} -> ${o.spec.owner}: ${JSON.stringify(o.spec.match)}`;
    case 'Policy':
      return `${o.spec.type} ${o.spec.code} (${o.spec.severity}), ${o.spec.validations.length} validation(s)`;
    case 'Exception':
      return `waives ${o.spec.waives.join(',')} until ${o.spec.expires}`;
    case 'ManagedCertificate':
      return `${o.spec.commonName ?? o.spec.dnsNames?.[0] ?? '-'} from ${o.spec.issuerRef.name}, ${o.spec.duration}, ${o.spec.destinations?.length ?? 0} destination(s)`;
  }
}

export function registerGet(program: Command): void {
  program
    .command('get')
    .description(
      'Print the stored owners, identities, ownership rules, policies, exceptions or managed certificates: every object of a kind, or the one named.',
    )
    .argument('<kind>', `singular or plural, any case: ${KIND_WORDS}`)
    .argument('[name]', 'only this object (CUSTOS_NOT_FOUND, exit 2, when there is none)')
    .option(
      '-o, --output <format>',
      'json or yaml (yaml can be applied again; webhook secrets and the token parts of webhook and Slack URLs are printed as (redacted), which keeps the stored ones)',
    )
    .option(
      '--show-secrets',
      'print webhook and Slack URLs whole (webhook signing secrets are never printed back)',
    )
    .addHelpText(
      'after',
      examples(
        'custos get owners',
        'custos get owner payments -o yaml',
        'custos get policies -o yaml > policies.yaml',
      ),
    )
    .action(
      action(
        async (
          kindWord: string,
          name: string | undefined,
          options: { output?: string; showSecrets?: boolean },
          command: Command,
        ) => {
          const kind = kindNamed(kindWord);
          const resource = COLLECTION_OF_KIND[kind];
          if (options.output !== undefined && options.output !== 'json' && options.output !== 'yaml') {
            throw new DomainError('CUSTOS_INVALID_ARGUMENT', `-o: "${options.output}" is not json or yaml`);
          }
          const [{ withBackend, remoteUnsupported }, { getObjects }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/declarative/get-objects.js'),
          ]);
          const all = await withBackend(globalOptions(command), {
            local: (rt) => getObjects(rt, { kind, showSecrets: options.showSecrets === true }),
            remote: async (api) => {
              if (options.showSecrets === true) throw remoteUnsupported('--show-secrets');
              if (kind === 'ManagedCertificate')
                throw new DomainError(
                  'CUSTOS_REMOTE_UNSUPPORTED',
                  'The server lists managed certificates with their readiness, not as documents.',
                  { hint: 'Use `custos managed list` (or `managed status NAME`) with --server.' },
                );
              return name === undefined
                ? api.request<AnyDeclarativeObject[]>({ method: 'GET', path: `/v1/${resource}` })
                : [
                    await api.request<AnyDeclarativeObject>({
                      method: 'GET',
                      path: `/v1/${resource}/${encodeURIComponent(name)}`,
                    }),
                  ];
            },
          });
          const shown = name === undefined ? all : all.filter((o) => o.metadata.name === name);
          if (name !== undefined && shown.length === 0)
            throw new DomainError('CUSTOS_NOT_FOUND', `no ${kind} named "${name}"`, {
              hint: `\`custos get ${resource}\` lists them`,
            });
          if (options.output === 'json') printJson(name === undefined ? shown : shown[0]);
          else if (options.output === 'yaml') {
            const { stringify } = await import('yaml');
            process.stdout.write(shown.map((o) => stringify(o)).join('---\n'));
          } else {
            printTable(
              ['NAME', 'SUMMARY'],
              shown.map((o) => [o.metadata.name, summary(o)]),
            );
            printLine(counted(shown.length, SINGULAR_OF_KIND[kind], resource));
          }
          return EXIT.ok;
        },
      ),
    );
}

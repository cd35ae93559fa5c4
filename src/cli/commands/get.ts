import type { Command } from 'commander';
import {
  COLLECTION_OF_KIND,
  KIND_WORDS,
  kindNamed,
  SINGULAR_OF_KIND,
} from '../../core/declarative/kind-names.js';
import type { AnyDeclarativeObject } from '../../core/declarative/objects.js';
import { DomainError } from '../../core/errors.js';
import type { TrustBundleDestinationSpec } from '../../core/ports/destination.js';
import { counted } from '../../core/plural.js';
import { action, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import {
  EXIT,
  listingOptions,
  listingOutput,
  printJson,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';

/** Where a trust bundle goes, in a listing's few words: the file, the command or the endpoint. */
function bundleTarget(d: TrustBundleDestinationSpec): string {
  if (d.file !== undefined) return d.file.path;
  if (d.exec !== undefined) return `exec ${d.exec.command.join(' ')}`;
  if (d.webhook === undefined) return '-';
  const url = new URL(d.webhook.url); // no query: it may carry a credential
  return `webhook ${url.origin}${url.pathname}`;
}

function summary(o: AnyDeclarativeObject): string {
  switch (o.kind) {
    case 'Owner':
      return `${[...(o.spec.contacts.email ?? [])].join(', ') || '-'}; ${counted(o.spec.escalation?.length ?? 0, 'escalation level')}`;
    case 'Identity':
      return `${o.spec.kind}, owner ${o.spec.owner}${o.spec.spiffeId ? `, ${o.spec.spiffeId}` : ''}`;
    case 'OwnershipRule':
      return `order ${o.spec.order ?? 0} -> ${o.spec.owner}: ${JSON.stringify(o.spec.match)}`;
    case 'Policy':
      return `${o.spec.type} ${o.spec.code} (${o.spec.severity}), ${counted(o.spec.validations.length, 'validation')}`;
    case 'Exception':
      return `waives ${o.spec.waives.join(',')} until ${o.spec.expires}`;
    case 'ManagedCertificate':
      return `${o.spec.commonName ?? o.spec.dnsNames?.[0] ?? '-'} from ${o.spec.issuerRef.name}, ${o.spec.duration}, ${counted(o.spec.destinations?.length ?? 0, 'destination')}`;
    case 'TrustBundle':
      return `${o.spec.ca === undefined ? 'every CA' : `CA ${o.spec.ca}`} -> ${o.spec.destinations.map(bundleTarget).join(', ')}`;
  }
}

/** `-o yaml` prints documents `apply -f` takes back; `-o wide` adds the kind and the labels. */
const OBJECTS: Listing<AnyDeclarativeObject> = {
  columns: [
    { header: 'NAME', value: (o) => o.metadata.name },
    { header: 'KIND', value: (o) => o.kind, in: 'wide' },
    {
      header: 'LABELS',
      value: (o) =>
        Object.entries(o.metadata.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '-',
      in: 'wide',
    },
    { header: 'SUMMARY', value: summary },
  ],
  sortBy: { name: (o) => o.metadata.name },
  yamlDocuments: true,
};

export function registerGet(program: Command): void {
  const get = program
    .command('get')
    .description(
      'Print the stored owners, identities, ownership rules, policies, exceptions, managed certificates or trust bundles: every object of a kind, or the one named.',
    )
    .argument('<kind>', `singular or plural, any case: ${KIND_WORDS}`)
    .argument('[name]', 'only this object (CUSTOS_NOT_FOUND, exit 2, when there is none)')
    .option('--json', 'print the objects as JSON (the same as -o json; with NAME, the object itself)')
    .option(
      '--show-secrets',
      'print webhook and Slack URLs whole (webhook signing secrets are never printed back)',
    );
  listingOptions(get, sortFields(OBJECTS))
    .addHelpText(
      'after',
      examples(
        'custos get owners',
        'custos get owner payments -o yaml',
        'custos get policies -o yaml > policies.yaml',
        'custos get owners -o wide',
      ) +
        '\n-o yaml can be applied again; webhook secrets and the token parts of webhook and Slack URLs are printed as (redacted), which keeps the stored ones.\n',
    )
    .action(
      action(
        async (
          kindWord: string,
          name: string | undefined,
          options: { showSecrets?: boolean } & ListingFlags,
          command: Command,
        ) => {
          const kind = kindNamed(kindWord);
          const resource = COLLECTION_OF_KIND[kind];
          const output = listingOutput(options, sortFields(OBJECTS));
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
          // With a NAME, -o json prints the object itself, not a list of one.
          if (name !== undefined && output.format === 'json') printJson(shown[0]);
          else
            await printListing(
              shown,
              { ...OBJECTS, summary: (rows) => counted(rows.length, SINGULAR_OF_KIND[kind], resource) },
              output,
            );
          return EXIT.ok;
        },
      ),
    );
}

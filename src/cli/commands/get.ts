import type { Command } from 'commander';
import type { AnyDeclarativeObject, Kind } from '../../core/declarative/objects.js';
import { DomainError } from '../../core/errors.js';
import { action, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import {
  EXIT,
  listingOptions,
  listingOutput,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';

const RESOURCES: Record<string, Kind> = {
  owners: 'Owner',
  identities: 'Identity',
  rules: 'OwnershipRule',
  policies: 'Policy',
  exceptions: 'Exception',
  managedcertificates: 'ManagedCertificate',
};

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
    .description('Print the stored owners, identities, ownership rules, policies or exceptions.')
    .argument('<resource>', Object.keys(RESOURCES).join(' | '))
    .option(
      '--show-secrets',
      'print webhook and Slack URLs whole (webhook signing secrets are never printed back)',
    );
  listingOptions(get, sortFields(OBJECTS))
    .addHelpText(
      'after',
      examples(
        'custos get owners',
        'custos get policies -o yaml > policies.yaml',
        'custos get owners -o wide',
      ) +
        '\n-o yaml can be applied again; webhook secrets and the token parts of webhook and Slack URLs are printed as (redacted), which keeps the stored ones.\n',
    )
    .action(
      action(
        async (resource: string, options: { showSecrets?: boolean } & ListingFlags, command: Command) => {
          const kind = RESOURCES[resource];
          if (kind === undefined) {
            throw new DomainError('CUSTOS_USAGE', `"${resource}" is not a resource`, {
              hint: `use one of ${Object.keys(RESOURCES).join(', ')}`,
            });
          }
          const output = listingOutput(options, sortFields(OBJECTS));
          const [{ withBackend, remoteUnsupported }, { getObjects }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/declarative/get-objects.js'),
          ]);
          const shown = await withBackend(globalOptions(command), {
            local: (rt) => getObjects(rt, { kind, showSecrets: options.showSecrets === true }),
            remote: (api) => {
              if (options.showSecrets === true) throw remoteUnsupported('--show-secrets');
              if (kind === 'ManagedCertificate')
                throw new DomainError(
                  'CUSTOS_REMOTE_UNSUPPORTED',
                  'The server lists managed certificates with their readiness, not as documents.',
                  { hint: 'Use `custos managed list` (or `managed status NAME`) with --server.' },
                );
              return api.request<AnyDeclarativeObject[]>({ method: 'GET', path: `/v1/${resource}` });
            },
          });
          await printListing(shown, { ...OBJECTS, summary: (rows) => `${rows.length} ${resource}` }, output);
          return EXIT.ok;
        },
      ),
    );
}

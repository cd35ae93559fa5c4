import type { Command } from 'commander';
import type { AuthorityView } from '../../core/ca/authority-view.js';
import { DomainError } from '../../core/errors.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import {
  byFields,
  EXIT,
  fingerprintColumns,
  listingOptions,
  listingOutput,
  printJson,
  printLine,
  printListing,
  sortFields,
  type Listing,
  type ListingFlags,
} from '../output.js';

const GROUP = 'the built-in certificate authority: its CAs, trust bundle and CRLs';

const notFound = (name: string) =>
  new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${name}".`, {
    hint: '`custos ca list` shows them; `custos ca init --name NAME` creates one.',
  });

/** `-o wide` adds the whole fingerprint, the certificates up to the root, the CA it signs from and its creation. */
const AUTHORITIES: Listing<AuthorityView> = {
  columns: [
    { header: 'NAME', value: (v) => v.name },
    { header: 'STATUS', value: (v) => v.status },
    { header: 'KEY', value: (v) => v.keyType },
    { header: 'BACKEND', value: (v) => v.backend },
    { header: 'NOT AFTER', value: (v) => v.notAfter?.slice(0, 10) ?? '-' },
    ...fingerprintColumns<AuthorityView>((v) => v.fingerprintSha256),
    { header: 'CERTIFICATES', value: (v) => String(v.certificates.length), in: 'wide' },
    { header: 'SIGNS FROM', value: (v) => v.signsFrom ?? '-', in: 'wide' },
    { header: 'CREATED', value: (v) => v.createdAt, in: 'wide' },
    { header: 'SUBJECT', value: (v) => v.subject ?? '-' },
  ],
  sortBy: byFields<AuthorityView>('name', 'status', 'keyType', 'notAfter', 'createdAt'),
};

export function registerCaList(program: Command): void {
  const ca = commandGroup(program, 'ca', GROUP);
  const list = ca
    .command('list')
    .description(
      'List the certificate authorities: status, key type and backend, subject, expiry, fingerprint.',
    )
    .option(
      '--json',
      'print a JSON array of {name, status, keyType, backend, subject, notAfter, fingerprintSha256, certificates, ...}',
    );
  listingOptions(list, sortFields(AUTHORITIES))
    .addHelpText(
      'after',
      examples('custos ca list', 'custos ca list --json', 'custos ca list --sort-by notAfter -o wide'),
    )
    .action(
      action(async (options: ListingFlags, command: Command) => {
        const output = listingOutput(options, sortFields(AUTHORITIES));
        const [{ withBackend }, { authorityView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/authority-view.js'),
        ]);
        const views = await withBackend(globalOptions(command), {
          local: async (rt) => (await rt.store.authorities.list()).map(authorityView),
          remote: (api) =>
            api.request<Array<ReturnType<typeof authorityView>>>({ method: 'GET', path: '/v1/cas' }),
        });
        await printListing(views, AUTHORITIES, output);
        return EXIT.ok;
      }),
    );

  ca.command('show')
    .description(
      "Show one certificate authority: its certificates up to the root, with fingerprints; a pending one's CSR.",
    )
    .argument('<name>', 'the CA name')
    .option(
      '--json',
      'print {name, status, keyType, backend, subject, notAfter, fingerprintSha256, certificates, csrPem, signsFrom, createdAt}',
    )
    .addHelpText('after', examples('custos ca show default', 'custos ca show default --json'))
    .action(
      action(async (name: string, options: { json?: boolean }, command: Command) => {
        const [{ withBackend }, { authorityView }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/authority-view.js'),
        ]);
        const view = await withBackend(globalOptions(command), {
          local: async (rt) => {
            const authority = await rt.store.authorities.get(name);
            if (authority === null) throw notFound(name);
            return authorityView(authority);
          },
          remote: (api) =>
            api.request<ReturnType<typeof authorityView>>({
              method: 'GET',
              path: `/v1/cas/${encodeURIComponent(name)}`,
            }),
        });
        if (options.json) printJson(view);
        else printAuthority(view);
        return EXIT.ok;
      }),
    );

  ca.command('bundle')
    .description(
      'Print the trust bundle (PEM): every root and intermediate relying parties must trust now — the CAs that are active, next (rolling in) or retiring.',
    )
    .option('--ca <name>', 'only this CA (all its generations, after `ca rotate`)')
    .option('--out <file>', 'write it to this file (atomically) instead of stdout')
    .addHelpText(
      'after',
      examples('custos ca bundle > /etc/ssl/custos-bundle.pem', 'custos ca bundle --ca edge --out edge.pem'),
    )
    .action(
      action(async (options: { ca?: string; out?: string }, command: Command) => {
        const [{ withBackend }, { trustBundleOf }, { certificatesPem }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/authority-view.js'),
          import('../../pki/formats/pem-writer.js'),
        ]);
        const { pem, write } = await withBackend(globalOptions(command), {
          local: async (rt) => ({
            pem: certificatesPem(trustBundleOf(await rt.store.authorities.list(), options.ca)),
            write: rt.writeOutputFile,
          }),
          remote: async (api, deps) => ({
            pem: await api.text({ method: 'GET', path: '/v1/trust-bundle', query: { ca: options.ca } }),
            write: deps.writeOutputFile,
          }),
        });
        if (options.out !== undefined) await write(options.out, pem);
        else process.stdout.write(pem);
        return EXIT.ok;
      }),
    );
}

function printAuthority(view: AuthorityView): void {
  printLine(`name:      ${view.name}`);
  printLine(`status:    ${view.status}`);
  printLine(`key:       ${view.keyType} (${view.backend})`);
  printLine(`created:   ${view.createdAt}`);
  if (view.signsFrom !== null) printLine(`signs from: ${view.signsFrom}`);
  for (const [i, c] of view.certificates.entries()) {
    printLine(i === 0 ? 'certificate:' : 'issued by:');
    printLine(`  subject:   ${c.subject}`);
    printLine(`  serial:    ${c.serialNumber}`);
    printLine(`  validity:  ${c.notBefore} .. ${c.notAfter}`);
    printLine(`  sha256:    ${c.fingerprintSha256}`);
  }
  if (view.csrPem !== null) {
    printLine('certificate request (have the external root sign it, then `custos ca import`):');
    process.stdout.write(view.csrPem);
  }
}

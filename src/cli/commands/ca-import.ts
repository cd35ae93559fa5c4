import type { Command } from 'commander';
import type { CertificateFiles } from '../../compose/dependencies.js';
import type { AuthorityView } from '../../core/ca/authority-view.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';

/** The signed CA certificate and the chain above it, read where the CLI runs (PEM or DER). */
async function readFiles(
  files: CertificateFiles,
  options: { certificate: string; chain?: string },
): Promise<{ certificate: Uint8Array; chain: Uint8Array[] }> {
  const [certificate] = await files.read(options.certificate, [], '--certificate');
  const chain = options.chain === undefined ? [] : await files.read(options.chain, [], '--chain');
  return { certificate: certificate!, chain };
}

export function registerCaImport(program: Command): void {
  commandGroup(program, 'ca', 'the built-in certificate authority: its CAs, trust bundle and CRLs')
    .command('import')
    .description(
      'Take back the certificate an external root signed for a pending CA (`ca init --intermediate-csr`): it must be a CA certificate for the pending key, signed by the first certificate of --chain, which leads to a root. The CA becomes active.',
    )
    .argument('<name>', 'the pending CA')
    .requiredOption('--certificate <file>', 'the signed CA certificate (PEM or DER)')
    .option('--chain <file>', 'the certificates above it up to the root, nearest first (PEM)')
    .option('--json', 'print the CA as `ca show --json` does')
    .addHelpText('after', examples('custos ca import offline --certificate offline.crt --chain root.pem'))
    .action(
      action(
        async (
          name: string,
          options: { certificate: string; chain?: string; json?: boolean },
          command: Command,
        ) => {
          const [{ withBackend }, { importAuthority }, { authorityView }, { certificatesPem }] =
            await Promise.all([
              import('../runtime.js'),
              import('../../core/ca/import-authority.js'),
              import('../../core/ca/authority-view.js'),
              import('../../pki/formats/pem-writer.js'),
            ]);
          const view = await withBackend(globalOptions(command), {
            local: async (rt) => {
              const { certificate, chain } = await readFiles(rt.certificateFiles, options);
              return authorityView(await importAuthority(rt, { name, certificate, chain }));
            },
            remote: async (api, deps) => {
              const { certificate, chain } = await readFiles(deps.certificateFiles, options);
              return api.request<AuthorityView>({
                method: 'POST',
                path: `/v1/cas/${encodeURIComponent(name)}/import`,
                body: {
                  certificate: certificatesPem([certificate]),
                  ...(chain.length === 0 ? {} : { chain: certificatesPem(chain) }),
                },
              });
            },
          });
          if (options.json) printJson(view);
          else
            printLine(`CA ${name} is active: ${view.subject ?? ''} (sha256 ${view.fingerprintSha256 ?? ''})`);
          return EXIT.ok;
        },
      ),
    );
}

import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson, printLine } from '../output.js';

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
          const [{ withRuntime }, { importAuthority }, { authorityView }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/ca/import-authority.js'),
            import('../../core/ca/authority-view.js'),
          ]);
          return withRuntime(globalOptions(command), async (rt) => {
            const [certificate] = await rt.certificateFiles.read(options.certificate, [], '--certificate');
            const chain =
              options.chain === undefined ? [] : await rt.certificateFiles.read(options.chain, [], '--chain');
            const authority = await importAuthority(rt, { name, certificate: certificate!, chain });
            const view = authorityView(authority);
            if (options.json) printJson(view);
            else
              printLine(
                `CA ${name} is active: ${view.subject ?? ''} (sha256 ${view.fingerprintSha256 ?? ''})`,
              );
            return EXIT.ok;
          });
        },
      ),
    );
}

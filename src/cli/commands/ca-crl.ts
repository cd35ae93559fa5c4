import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson } from '../output.js';
import { publishCrlFile, type PublishedCrl } from '../../compose/crl-file.js';

export function registerCaCrl(program: Command): void {
  commandGroup(program, 'ca', 'the built-in certificate authority: its CAs, trust bundle and CRLs')
    .command('crl')
    .description(
      "Publish a CA's next CRL now (next CRL number, thisUpdate now, nextUpdate after ca.crlValidity, every revoked certificate not yet expired with its reason), write it to <data-dir>/crl/<ca>.crl (DER) and print it as PEM, or write it (DER) to --out. Audited as crl.published.",
    )
    .argument('[name]', 'the CA', 'default')
    .option('--out <file>', 'also write the CRL (DER) to this file, and print nothing')
    .option('--json', 'print {ca, crlNumber, thisUpdate, nextUpdate, file}')
    .addHelpText('after', examples('custos ca crl', 'custos ca crl edge --out edge.crl'))
    .action(
      action(async (name: string, options: { out?: string; json?: boolean }, command: Command) => {
        const [{ withBackend }, { pemBlock, pemBlockDer }] = await Promise.all([
          import('../runtime.js'),
          import('../../pki/formats/pem-writer.js'),
        ]);
        const { summary, der, write } = await withBackend(globalOptions(command), {
          local: async (rt) => ({ ...(await publishCrlFile(rt, name)), write: rt.writeOutputFile }),
          remote: async (api, deps) => {
            const { pem, ...published } = await api.request<PublishedCrl & { pem: string }>({
              method: 'POST',
              path: `/v1/cas/${encodeURIComponent(name)}/crl`,
            });
            const der = pemBlockDer('X509 CRL', pem);
            if (der === null)
              throw new DomainError(
                'CUSTOS_INTERNAL',
                `The server at ${api.baseUrl} answered without the CRL.`,
              );
            return { summary: published, der, write: deps.writeOutputFile };
          },
        });
        if (options.out !== undefined) await write(options.out, der);
        if (options.json) printJson(summary);
        else if (options.out === undefined) process.stdout.write(pemBlock('X509 CRL', der));
        return EXIT.ok;
      }),
    );
}

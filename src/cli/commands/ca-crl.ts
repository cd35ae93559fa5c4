import type { Command } from 'commander';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { EXIT, printJson } from '../output.js';
import { writeCrlFile } from '../../compose/crl-file.js';

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
        const [{ withRuntime }, { publishCrl }, { parseDuration }, { pemBlock }] = await Promise.all([
          import('../runtime.js'),
          import('../../core/ca/publish-crl.js'),
          import('../../core/duration.js'),
          import('../../pki/formats/pem-writer.js'),
        ]);
        return withRuntime(globalOptions(command), async (rt) => {
          const crl = await publishCrl(rt, {
            authority: name,
            validityMs: parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity'),
          });
          const file = await writeCrlFile(rt, crl);
          if (options.out !== undefined) await rt.writeOutputFile(options.out, crl.der);
          if (options.json)
            printJson({
              ca: crl.authority,
              crlNumber: crl.crlNumber,
              thisUpdate: crl.thisUpdate.toISOString(),
              nextUpdate: crl.nextUpdate.toISOString(),
              file,
            });
          else if (options.out === undefined) process.stdout.write(pemBlock('X509 CRL', crl.der));
          return EXIT.ok;
        });
      }),
    );
}

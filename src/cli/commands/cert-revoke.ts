import type { Command } from 'commander';
import { parseRevocationReason, REASON_NAMES } from '../../core/ca/revocation-reasons.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { writeCrlFile } from '../../compose/crl-file.js';
import { EXIT, printJson, printLine } from '../output.js';

export function registerCertRevoke(program: Command): void {
  commandGroup(program, 'cert', 'certificates of the built-in CA: issue and revoke')
    .command('revoke')
    .description(
      "Revoke a certificate the built-in CA issued, by serial (hex) or SHA-256 fingerprint, with an RFC 5280 reason; audited as certificate.revoked. The CA's CRL is published again in the same transaction and written to <data-dir>/crl/<ca>.crl. Revoking it again changes nothing and exits 0.",
    )
    .argument('<certificate>', 'the serial number (hex, colons allowed) or the SHA-256 fingerprint')
    .requiredOption('--reason <reason>', `why: ${Object.keys(REASON_NAMES).join(', ')}`)
    .option('--ca <name>', 'the CA that issued it (default: the one that issued that serial)')
    .option('--json', 'print {fingerprintSha256, serialNumber, ca, revoked, revokedAt, reason, crlNumber}')
    .addHelpText(
      'after',
      examples(
        'custos cert revoke 4e738cee95ac9b909da3fb17adfd715a --reason keyCompromise',
        'custos cert revoke e004044b839b6b82f178262f811cda45a99710f0c2accfc30f5e10c70602fc72 --reason superseded --ca edge',
      ),
    )
    .action(
      action(
        async (
          certificate: string,
          options: { reason: string; ca?: string; json?: boolean },
          command: Command,
        ) => {
          const reason = parseRevocationReason(options.reason, '--reason');
          const [{ withBackend, remoteUnsupported }, revoke, { parseDuration }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/ca/revoke-certificate.js'),
            import('../../core/duration.js'),
          ]);
          const summary = await withBackend(globalOptions(command), {
            local: async (rt) => {
              const result = await revoke.revokeCertificate(rt, {
                certificate,
                reason,
                ...(options.ca === undefined ? {} : { authority: options.ca }),
                crlValidityMs: parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity'),
              });
              if (result.crl !== null) await writeCrlFile(rt, result.crl);
              return revoke.revocationSummary(result);
            },
            remote: (api) => {
              const fingerprint = certificate.replace(/:/g, '');
              if (!/^[0-9a-fA-F]{64}$/.test(fingerprint)) throw remoteUnsupported('A serial number');
              return api.request<ReturnType<typeof revoke.revocationSummary>>({
                method: 'POST',
                path: `/v1/certificates/${fingerprint.toLowerCase()}/revoke`,
                body: { reason: options.reason, ...(options.ca === undefined ? {} : { ca: options.ca }) },
              });
            },
          });
          if (options.json) printJson(summary);
          else if (summary.revoked)
            printLine(
              `revoked serial ${summary.serialNumber} of CA ${summary.ca} (${summary.reason}); CRL ${summary.crlNumber} published`,
            );
          else
            printLine(
              `serial ${summary.serialNumber} of CA ${summary.ca} is already revoked (${summary.reason}, ${summary.revokedAt}); nothing changed`,
            );
          return EXIT.ok;
        },
      ),
    );
}

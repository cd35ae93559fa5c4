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
          const [{ withRuntime }, revoke, { parseDuration }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/ca/revoke-certificate.js'),
            import('../../core/duration.js'),
          ]);
          return withRuntime(globalOptions(command), async (rt) => {
            const result = await revoke.revokeCertificate(rt, {
              certificate,
              reason,
              ...(options.ca === undefined ? {} : { authority: options.ca }),
              crlValidityMs: parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity'),
            });
            if (result.crl !== null) await writeCrlFile(rt, result.crl);
            const revocation = result.certificate.revocation;
            if (options.json) {
              printJson(revoke.revocationSummary(result));
            } else if (result.revoked) {
              printLine(
                `revoked serial ${result.certificate.serialNumber} of CA ${result.certificate.authority} (${revocation?.reason}); CRL ${result.crl?.crlNumber} published`,
              );
            } else {
              printLine(
                `serial ${result.certificate.serialNumber} of CA ${result.certificate.authority} is already revoked (${revocation?.reason}, ${revocation?.revokedAt.toISOString()}); nothing changed`,
              );
            }
            return EXIT.ok;
          });
        },
      ),
    );
}

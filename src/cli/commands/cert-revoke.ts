import type { Command } from 'commander';
import { DomainError } from '../../core/errors.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { writeCrlFile } from '../../compose/crl-file.js';
import { EXIT, printJson, printLine } from '../output.js';

/** The reasons as `--reason` spells them (RFC 5280 §5.3.1 names; `caCompromise` is the schema's cACompromise). */
const REASONS: Record<string, string> = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  caCompromise: 'cACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  privilegeWithdrawn: 'privilegeWithdrawn',
};

export function registerCertRevoke(program: Command): void {
  commandGroup(program, 'cert', 'certificates of the built-in CA: issue and revoke')
    .command('revoke')
    .description(
      "Revoke a certificate the built-in CA issued, by serial (hex) or SHA-256 fingerprint, with an RFC 5280 reason; audited as certificate.revoked. The CA's CRL is published again in the same transaction and written to <data-dir>/crl/<ca>.crl. Revoking it again changes nothing and exits 0.",
    )
    .argument('<certificate>', 'the serial number (hex, colons allowed) or the SHA-256 fingerprint')
    .requiredOption('--reason <reason>', `why: ${Object.keys(REASONS).join(', ')}`)
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
          const reason = REASONS[options.reason];
          if (reason === undefined)
            throw new DomainError(
              'CUSTOS_INVALID_ARGUMENT',
              `--reason: "${options.reason}" is not a revocation reason.`,
              {
                hint: `Use one of ${Object.keys(REASONS).join(', ')}.`,
              },
            );
          const [{ withRuntime }, { revokeCertificate }, { parseDuration }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/ca/revoke-certificate.js'),
            import('../../core/duration.js'),
          ]);
          return withRuntime(globalOptions(command), async (rt) => {
            const result = await revokeCertificate(rt, {
              certificate,
              reason: reason as 'unspecified',
              ...(options.ca === undefined ? {} : { authority: options.ca }),
              crlValidityMs: parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity'),
            });
            if (result.crl !== null) await writeCrlFile(rt, result.crl);
            const revocation = result.certificate.revocation;
            if (options.json) {
              printJson({
                fingerprintSha256: result.certificate.fingerprintSha256,
                serialNumber: result.certificate.serialNumber,
                ca: result.certificate.authority,
                revoked: result.revoked,
                revokedAt: revocation?.revokedAt.toISOString() ?? null,
                reason: revocation?.reason ?? null,
                crlNumber: result.crl?.crlNumber ?? null,
              });
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

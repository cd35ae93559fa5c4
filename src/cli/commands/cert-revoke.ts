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
    .option(
      '--now',
      'keyCompromise of a managed certificate still deployed: revoke at once (what still serves it breaks) instead of after its replacement is live',
    )
    .option(
      '--json',
      'print {fingerprintSha256, serialNumber, ca, revoked, revokedAt, reason, crlNumber, managed}; managed is null or {name, revision, revokeAfterReplacement, destinations, endpoints}',
    )
    .addHelpText(
      'after',
      examples(
        'custos cert revoke 4e738cee95ac9b909da3fb17adfd715a --reason keyCompromise',
        'custos cert revoke e004044b839b6b82f178262f811cda45a99710f0c2accfc30f5e10c70602fc72 --reason superseded --ca edge',
        '# a managed revision still deployed: replaced (new key), deployed and verified first, then revoked',
        'custos cert revoke 9be0c1… --reason keyCompromise && custos managed reconcile',
        'custos cert revoke 9be0c1… --reason keyCompromise --now   # at once; says what will break',
      ),
    )
    .action(
      action(
        async (
          certificate: string,
          options: { reason: string; ca?: string; now?: boolean; json?: boolean },
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
          const [{ withRuntime }, { findIssuedCertificate, revokeCertificate }, { parseDuration }, replace] =
            await Promise.all([
              import('../runtime.js'),
              import('../../core/ca/revoke-certificate.js'),
              import('../../core/duration.js'),
              import('../../core/managed/replace-revision.js'),
            ]);
          return withRuntime(globalOptions(command), async (rt) => {
            const target = { certificate, ...(options.ca === undefined ? {} : { authority: options.ca }) };
            const issued = await findIssuedCertificate(rt, target);
            const managed =
              reason === 'keyCompromise' && issued.revocation === null
                ? await replace.managedRevisionOf(rt.store, issued.fingerprintSha256)
                : null;
            const deployed = managed !== null && managed.current ? managed : null;
            const breaks = deployed === null ? null : await replace.whatRevokingBreaks(rt.store, deployed);
            const managedJson = (revokeAfterReplacement: boolean) =>
              deployed === null || breaks === null
                ? null
                : { name: deployed.name, revision: deployed.revision, revokeAfterReplacement, ...breaks };
            if (deployed !== null && options.now !== true) {
              // Revocation without an outage: the replacement first, then this revision (src/core/lifecycle/revoke.ts).
              await replace.requestReplacement(rt, deployed, { reason: 'keyCompromise', revokeAfter: true });
              if (options.json)
                printJson({
                  fingerprintSha256: issued.fingerprintSha256,
                  serialNumber: issued.serialNumber,
                  ca: issued.authority,
                  revoked: false,
                  revokedAt: null,
                  reason: null,
                  crlNumber: null,
                  managed: managedJson(true),
                });
              else
                printLine(
                  `serial ${issued.serialNumber} is revision ${deployed.revision} of managed certificate ${deployed.name}, still deployed: a replacement with a new key is issued, deployed and verified first, then it is revoked (keyCompromise) — by \`custos managed reconcile\` or \`custos serve\`. --now revokes it at once.`,
                );
              return EXIT.ok;
            }
            if (deployed !== null)
              await replace.requestReplacement(rt, deployed, { reason: 'keyCompromise', revokeAfter: false });
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
                managed: managedJson(false),
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
            if (deployed !== null && breaks !== null && options.json !== true)
              printLine(
                `revision ${deployed.revision} of managed certificate ${deployed.name} was still deployed (${breaks.destinations.join(', ') || 'no destination'}) and served (${breaks.endpoints.join(', ') || 'no verify endpoint'}): clients that check revocation refuse it until its replacement (asked for now) is live — run \`custos managed reconcile\`.`,
              );
            return EXIT.ok;
          });
        },
      ),
    );
}

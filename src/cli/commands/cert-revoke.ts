import type { Command } from 'commander';
import { parseRevocationReason, REASON_NAMES } from '../../core/ca/revocation-reasons.js';
import { action, commandGroup, examples } from '../command-group.js';
import { globalOptions } from '../global-options.js';
import { writeCrlFile } from '../../compose/crl-file.js';
import { EXIT, printJson, printLine } from '../output.js';
import type { RevocationOutcome } from '../../core/managed/revoke-or-replace.js';

export function registerCertRevoke(program: Command): void {
  commandGroup(program, 'cert', 'certificates of the built-in CA: issue and revoke')
    .command('revoke')
    .description(
      "Revoke a certificate the built-in CA issued, by serial (hex) or SHA-256 fingerprint, with an RFC 5280 reason; audited as certificate.revoked. The CA's CRL is published again in the same transaction and written to <data-dir>/crl/<ca>.crl. Revoking it again changes nothing and exits 0.",
    )
    .argument('<certificate>', 'the serial number (hex, colons allowed) or the SHA-256 fingerprint')
    .requiredOption('--reason <reason>', `why: ${Object.keys(REASON_NAMES).join(', ')}`)
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
          const reason = parseRevocationReason(options.reason, '--reason');
          const [{ withBackend }, { revokeOrReplace }, { parseDuration }] = await Promise.all([
            import('../runtime.js'),
            import('../../core/managed/revoke-or-replace.js'),
            import('../../core/duration.js'),
          ]);
          const outcome = await withBackend(globalOptions(command), {
            local: async (rt) => {
              const { outcome, crl } = await revokeOrReplace(rt, {
                certificate,
                reason,
                ...(options.ca === undefined ? {} : { authority: options.ca }),
                crlValidityMs: parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity'),
                now: options.now === true,
              });
              if (crl !== null) await writeCrlFile(rt, crl);
              return outcome;
            },
            // The server resolves a serial (or fingerprint) as the local store would.
            remote: (api) =>
              api.request<RevocationOutcome>({
                method: 'POST',
                path: '/v1/revocations',
                body: {
                  certificate,
                  reason: options.reason,
                  ...(options.ca === undefined ? {} : { ca: options.ca }),
                  ...(options.now === true ? { now: true } : {}),
                },
              }),
          });
          const { managed } = outcome;
          if (options.json) printJson(outcome);
          else if (managed?.revokeAfterReplacement === true)
            printLine(
              `serial ${outcome.serialNumber} is revision ${managed.revision} of managed certificate ${managed.name}, still deployed: a replacement with a new key is issued, deployed and verified first, then it is revoked (keyCompromise) — by \`custos managed reconcile\` or \`custos serve\`. --now revokes it at once.`,
            );
          else if (outcome.revoked)
            printLine(
              `revoked serial ${outcome.serialNumber} of CA ${outcome.ca} (${outcome.reason}); CRL ${outcome.crlNumber} published`,
            );
          else
            printLine(
              `serial ${outcome.serialNumber} of CA ${outcome.ca} is already revoked (${outcome.reason}, ${outcome.revokedAt}); nothing changed`,
            );
          if (managed !== null && !managed.revokeAfterReplacement && options.json !== true)
            printLine(
              `revision ${managed.revision} of managed certificate ${managed.name} was still deployed (${managed.destinations.join(', ') || 'no destination'}) and served (${managed.endpoints.join(', ') || 'no verify endpoint'}): clients that check revocation refuse it until its replacement (asked for now) is live — run \`custos managed reconcile\`.`,
            );
          return EXIT.ok;
        },
      ),
    );
}

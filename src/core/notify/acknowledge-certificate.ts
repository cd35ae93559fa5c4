import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationStore } from '../ports/notification-log.js';
import type { InventoryReader } from '../ports/store.js';
import { normaliseFingerprintPrefix } from '../show-certificate.js';
import type { Acknowledgement } from './delivery.js';

export interface AcknowledgeDeps {
  store: NotificationStore & { readonly inventory: Pick<InventoryReader, 'certificatesByPrefix'> };
  clock: Clock;
}

export interface AcknowledgeInput {
  fingerprintPrefix: string;
  /** Who takes the certificate in hand. */
  by: string;
  /** Who ran the command, for the audit trail. */
  actor: string;
}

/**
 * `custos ack FINGERPRINT-PREFIX [--by NAME]`: someone has taken the certificate in hand. Notices about it sent
 * up to now escalate no further; the acknowledgement and its audit event are written in one transaction.
 */
export async function acknowledgeCertificate(
  deps: AcknowledgeDeps,
  input: AcknowledgeInput,
): Promise<Acknowledgement & { subject: string }> {
  const prefix = normaliseFingerprintPrefix(input.fingerprintPrefix);
  const by = input.by.trim();
  if (by === '') {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', '--by: the name is empty', {
      hint: 'say who takes the certificate in hand, e.g. --by alice@corp.example',
    });
  }
  const matches = await deps.store.inventory.certificatesByPrefix(prefix, 2);
  const [certificate] = matches;
  if (certificate === undefined) {
    throw new DomainError('CUSTOS_NOT_FOUND', `no certificate has a fingerprint starting with ${prefix}`, {
      hint: 'the notice names the fingerprint; `custos inventory list` prints them',
    });
  }
  if (matches.length > 1) {
    throw new DomainError(
      'CUSTOS_AMBIGUOUS_PREFIX',
      `more than one certificate has a fingerprint starting with ${prefix}`,
      {
        hint: 'give more hex digits of the fingerprint',
      },
    );
  }
  const ack: Acknowledgement = { fingerprintSha256: certificate.fingerprintSha256, by, at: deps.clock.now() };
  await deps.store.transaction(async (tx) => {
    await tx.notifications.addAcknowledgement(ack);
    await tx.appendAudit([
      {
        type: 'notice.acknowledged',
        actor: input.actor,
        subject: ack.fingerprintSha256,
        at: ack.at,
        data: { by, subject: certificate.subject },
      },
    ]);
  });
  return { ...ack, subject: certificate.subject };
}

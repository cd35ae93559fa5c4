import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationStore } from '../ports/notification-log.js';
import type { InventoryReader } from '../ports/inventory-store.js';
import { findCertificateByPrefix } from '../inventory/find-by-prefix.js';
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
  const by = input.by.trim();
  if (by === '') {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', '--by: the name is empty', {
      hint: 'say who takes the certificate in hand, e.g. --by alice@corp.example',
    });
  }
  const certificate = await findCertificateByPrefix(deps.store.inventory, input.fingerprintPrefix);
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

/**
 * Redeems a one-time bootstrap token for a ProvisionerGrant: in one transaction the token is looked up by its
 * hash, checked (known, unused, not expired) and consumed with a conditional update, so of two redemptions at once
 * exactly one wins. Unknown, used and expired are one code (CUSTOS_TOKEN_INVALID) with the reason in the message.
 */
import { DomainError } from '../../errors.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import type { ProvisionerGrant } from '../issuance-request.js';
import { bootstrapTokenId, bootstrapTokenSha256, looksLikeBootstrapToken } from './bootstrap-token.js';
import { grantLimits, type Provisioner } from './provisioner.js';

export interface RedeemBootstrapTokenDependencies {
  store: Store;
  clock: Clock;
  provisioners: readonly Provisioner[];
  actor: string;
}

export interface RedeemedBootstrapToken {
  grant: ProvisionerGrant;
  /** The identity the token was made for: the request's identity. */
  identity: string;
  /** The token's short id (audit). */
  id: string;
}

const invalid = (reason: string, id: string | null): DomainError =>
  new DomainError('CUSTOS_TOKEN_INVALID', `The bootstrap token ${id === null ? '' : `${id} `}${reason}.`, {
    hint: 'ask an operator for a new one (`custos token bootstrap --identity NAME --ttl 15m`)',
  });

export async function redeemBootstrapToken(
  deps: RedeemBootstrapTokenDependencies,
  token: string,
): Promise<RedeemedBootstrapToken> {
  if (!looksLikeBootstrapToken(token))
    throw invalid('is not a bootstrap token (cbt_ and 43 characters)', null);
  const tokenSha256 = bootstrapTokenSha256(token);
  const id = bootstrapTokenId(tokenSha256);
  return deps.store.transaction(async (tx) => {
    const record = await tx.bootstrapTokens.get(tokenSha256);
    if (record === null) throw invalid('is unknown', null);
    const now = deps.clock.now();
    if (record.usedAt !== null) throw invalid(`was already used (${record.usedAt.toISOString()})`, id);
    if (now.getTime() >= record.expiresAt.getTime())
      throw invalid(`expired at ${record.expiresAt.toISOString()}`, id);
    const provisioner = deps.provisioners.find(
      (p) => p.name === record.provisioner && p.type === 'bootstrap',
    );
    if (provisioner === undefined)
      throw invalid(`belongs to the provisioner "${record.provisioner}", which is no longer configured`, id);
    if (!(await tx.bootstrapTokens.consume(tokenSha256, now))) throw invalid('was already used', id);
    await tx.appendAudit([
      {
        type: 'token.bootstrap.redeemed',
        actor: deps.actor,
        subject: `identity:${record.identity}`,
        at: now,
        data: { id, provisioner: provisioner.name, identity: record.identity },
      },
    ]);
    const limits = grantLimits(provisioner.limits);
    const grant: ProvisionerGrant = {
      name: provisioner.name,
      kind: 'bootstrap-token',
      claims: { identity: record.identity },
      ...(limits === undefined ? {} : { limits }),
    };
    return { grant, identity: record.identity, id };
  });
}

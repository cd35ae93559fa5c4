/**
 * `custos token bootstrap`: makes a one-time token that lets its holder (a device, a first start) ask the built-in
 * CA for a certificate of one identity until it expires. The token is returned once; the store keeps only its
 * SHA-256, and the audit event names it by a short id of that hash (never the token).
 */
import { MAX_DURATION_MS } from '../../duration.js';
import { DomainError } from '../../errors.js';
import type { Clock } from '../../ports/clock.js';
import type { SecureRandom } from '../../ports/secure-random.js';
import type { Store } from '../../ports/store.js';
import { bootstrapTokenId, bootstrapTokenSha256, newBootstrapToken } from './bootstrap-token.js';
import { findProvisioner } from './find-provisioner.js';
import { DEFAULT_BOOTSTRAP_PROVISIONER, type Provisioner } from './provisioner.js';

export interface CreateBootstrapTokenDependencies {
  store: Store;
  clock: Clock;
  secureRandom: SecureRandom;
  provisioners: readonly Provisioner[];
  actor: string;
}

export interface CreateBootstrapTokenInput {
  identity: string;
  ttlMs: number;
  /** A provisioner of type bootstrap (default `bootstrap`). */
  provisioner?: string;
}

export interface CreatedBootstrapToken {
  /** The token: shown once, never stored. */
  token: string;
  /** The short id that names it in the audit trail. */
  id: string;
  provisioner: string;
  identity: string;
  expiresAt: Date;
}

/** A bootstrap token is for a first start: it lives minutes or days, never longer than this. */
export const MAX_BOOTSTRAP_TTL_MS = 30 * 86_400_000;

/** Printable, no spaces or control characters, at most 253 characters (a DNS name's length). */
const IDENTITY_FORM = /^[\x21-\x7e]{1,253}$/;

export async function createBootstrapToken(
  deps: CreateBootstrapTokenDependencies,
  input: CreateBootstrapTokenInput,
): Promise<CreatedBootstrapToken> {
  if (!IDENTITY_FORM.test(input.identity))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `The identity "${input.identity}" is not a name.`, {
      hint: 'give --identity as printable characters without spaces, e.g. sensor-0042 or payments-api',
    });
  if (!(input.ttlMs > 0) || input.ttlMs > Math.min(MAX_BOOTSTRAP_TTL_MS, MAX_DURATION_MS))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'A bootstrap token lives more than 0 and at most 30d.', {
      hint: 'give --ttl such as 15m, 1h or 7d',
    });
  const provisioner = findProvisioner(
    deps.provisioners,
    input.provisioner ?? DEFAULT_BOOTSTRAP_PROVISIONER.name,
    'bootstrap',
  );
  const token = newBootstrapToken(deps.secureRandom);
  const tokenSha256 = bootstrapTokenSha256(token);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + input.ttlMs);
  const id = bootstrapTokenId(tokenSha256);
  await deps.store.transaction(async (tx) => {
    await tx.bootstrapTokens.create({
      tokenSha256,
      provisioner: provisioner.name,
      identity: input.identity,
      expiresAt,
      createdAt: now,
      createdBy: deps.actor,
    });
    await tx.appendAudit([
      {
        type: 'token.bootstrap.created',
        actor: deps.actor,
        subject: `identity:${input.identity}`,
        at: now,
        data: {
          id,
          provisioner: provisioner.name,
          identity: input.identity,
          expiresAt: expiresAt.toISOString(),
        },
      },
    ]);
  });
  return { token, id, provisioner: provisioner.name, identity: input.identity, expiresAt };
}

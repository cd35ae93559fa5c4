/**
 * The issuing step. Idempotent across crashes: the revision's number and key are chosen and persisted (key sealed)
 * before the issuer is called; the issued certificate is recorded with the pending state cleared in one
 * transaction. A crash between the two retries with the same request key and key, and an issuer that can look
 * up its issuances (IssuedLookup) hands back the first certificate: one revision, never two.
 */
import { hash } from 'node:crypto';
import { parseCertificate } from '../../../pki/x509/lean-reader.js';
import type { ManagedCertificateSpec } from '../../declarative/kinds/managed-certificate.js';
import { parseDuration } from '../../duration.js';
import { DomainError } from '../../errors.js';
import { renewalTime } from '../../lifecycle/renewal-time.js';
import { REASONS } from '../../lifecycle/reasons.js';
import { retryAt } from '../../lifecycle/retry.js';
import { canLookUpIssued, issuerNamed } from '../issuer-registry.js';
import type { ManagedDependencies } from '../managed-dependencies.js';
import type { ManagedStatus, PendingRevision } from '../managed-status.js';
import { recordStep } from '../record-status.js';
import { issuedFor } from '../spec-keys.js';

/** Failures that another attempt cannot cure: recorded as Failed until the spec changes or a renewal is asked. */
const TERMINAL = /^CUSTOS_(MANAGED_ISSUER_NOT_FOUND|POLICY_|INVALID_ARGUMENT|CA_NOT_FOUND|LINT_|CSR_)/;

const errorText = (error: unknown): { code: string | null; message: string } =>
  error instanceof DomainError
    ? { code: error.code, message: error.message }
    : { code: null, message: error instanceof Error ? error.message : String(error) };

async function choosePending(
  deps: ManagedDependencies,
  spec: ManagedCertificateSpec,
  status: ManagedStatus,
  reuseCurrentKey: boolean,
): Promise<ManagedStatus> {
  const current =
    reuseCurrentKey && status.revision !== null
      ? await deps.store.managed.revision(status.name, status.revision)
      : null;
  const key =
    current !== null
      ? (() => {
          const pem = deps.secrets.open(current.sealedPrivateKey);
          return { privateKeyPem: pem, publicKeySpki: deps.keys.publicKeyOf(pem) };
        })()
      : await deps.keys.generate(spec.privateKey?.algorithm ?? 'ECDSA', spec.privateKey?.size ?? null);
  const now = deps.clock.now();
  const issuing = status.conditions.find((c) => c.type === 'Issuing');
  return deps.store.transaction(async (tx) => {
    const revisions = await tx.managed.revisions(status.name);
    const revision = Math.max(0, status.revision ?? 0, ...revisions.map((r) => r.revision)) + 1;
    const pending: PendingRevision = {
      revision,
      sealedPrivateKey: current !== null ? current.sealedPrivateKey : deps.secrets.seal(key.privateKeyPem),
      publicKeySpki: key.publicKeySpki,
      requestKey: `managed/${status.name}/${revision}`,
      issuedFor: issuedFor(spec),
      reason: issuing?.reason ?? REASONS.DoesNotExist,
    };
    return recordStep(tx, {
      spec,
      status: { ...status, pending },
      events: [
        {
          type: 'managed.revision-requested',
          data: {
            revision,
            requestKey: pending.requestKey,
            issuer: spec.issuerRef.name,
            newKey: current === null,
          },
        },
      ],
      actor: deps.actor,
      now,
    });
  });
}

export async function issueRevision(
  deps: ManagedDependencies,
  input: { spec: ManagedCertificateSpec; status: ManagedStatus; reuseCurrentKey: boolean },
): Promise<ManagedStatus> {
  const { spec } = input;
  let status = input.status;
  if (status.pending === null) status = await choosePending(deps, spec, status, input.reuseCurrentKey);
  const pending = status.pending as PendingRevision;
  try {
    const issuer = issuerNamed(deps.issuers, spec.issuerRef.name);
    const found = canLookUpIssued(issuer)
      ? await issuer.findIssued(pending.requestKey, pending.publicKeySpki)
      : null;
    const result =
      found ??
      (await issuer.issue({
        commonName: spec.commonName ?? null,
        dnsNames: spec.dnsNames ?? [],
        ipAddresses: spec.ipAddresses ?? [],
        uris: spec.uris ?? [],
        publicKeySpki: pending.publicKeySpki,
        ttlMs: parseDuration(spec.duration, 'duration', { form: 'declared' }),
        identity: spec.identity ?? null,
        requestKey: pending.requestKey,
      }));
    const parsed = parseCertificate(result.certificate);
    if (parsed.publicKeySha256 !== hash('sha256', pending.publicKeySpki, 'hex'))
      throw new DomainError(
        'CUSTOS_INVALID_ARGUMENT',
        `Issuer "${spec.issuerRef.name}" returned a certificate for another key than revision ${pending.revision}'s.`,
      );
    const now = deps.clock.now();
    return await deps.store.transaction(async (tx) => {
      await tx.managed.addRevision({
        name: status.name,
        revision: pending.revision,
        fingerprintSha256: parsed.fingerprintSha256,
        certificate: result.certificate,
        chain: result.chain,
        sealedPrivateKey: pending.sealedPrivateKey,
        notBefore: parsed.notBefore,
        notAfter: parsed.notAfter,
        createdAt: now,
      });
      const renewal = renewalTime({
        notBefore: parsed.notBefore,
        notAfter: parsed.notAfter,
        renewBeforeMs:
          spec.renewBefore === undefined
            ? null
            : parseDuration(spec.renewBefore, 'renewBefore', { form: 'declared' }),
        random: deps.random,
      });
      return recordStep(tx, {
        spec,
        status: {
          ...status,
          pending: null,
          revision: pending.revision,
          fingerprintSha256: parsed.fingerprintSha256,
          previousRevision: status.revision,
          issuedFor: pending.issuedFor,
          renewalTime: renewal,
          attempts: 0,
          nextRetry: null,
          staleEndpoints: [],
        },
        changes: [
          {
            type: 'Issuing',
            status: 'False',
            reason: REASONS.Issued,
            message: `Revision ${pending.revision} was issued by "${spec.issuerRef.name}".`,
          },
        ],
        events: [
          {
            type: 'managed.issued',
            data: {
              revision: pending.revision,
              fingerprintSha256: parsed.fingerprintSha256,
              notBefore: parsed.notBefore.toISOString(),
              notAfter: parsed.notAfter.toISOString(),
              renewalTime: renewal.toISOString(),
              issuer: spec.issuerRef.name,
              requestKey: pending.requestKey,
              recoveredIssuance: found !== null,
            },
          },
        ],
        actor: deps.actor,
        now,
      });
    });
  } catch (error) {
    const { code, message } = errorText(error);
    // Not the issuer's failure: the step is not recorded and the job runs again.
    if (
      code === 'CUSTOS_STORE_FAILED' ||
      code === 'CUSTOS_AUDIT_WRITE_FAILED' ||
      code === 'CUSTOS_MANAGED_CONFLICT'
    )
      throw error;
    const terminal = code !== null && TERMINAL.test(code);
    const now = deps.clock.now();
    const attempts = status.attempts + 1;
    const next = terminal ? null : retryAt(attempts, now, deps.random);
    return deps.store.transaction((tx) =>
      recordStep(tx, {
        spec,
        status: {
          ...status,
          attempts,
          nextRetry: next,
          ...(terminal ? { pending: null, failedFor: pending.issuedFor } : {}),
        },
        changes: terminal
          ? [
              { type: 'Issuing', status: 'False', reason: REASONS.IssueFailed, message },
              {
                type: 'Failed',
                status: 'True',
                reason: REASONS.IssueFailed,
                message: `${code ?? 'error'}: ${message}`,
              },
            ]
          : [
              {
                type: 'Issuing',
                status: 'True',
                reason: REASONS.IssueFailed,
                message: `attempt ${attempts}: ${message}`,
              },
            ],
        events: [
          {
            type: 'managed.issue-failed',
            data: {
              revision: pending.revision,
              requestKey: pending.requestKey,
              code,
              message,
              attempt: attempts,
              terminal,
              retryAt: next?.toISOString() ?? null,
            },
          },
        ],
        actor: deps.actor,
        now,
      }),
    );
  }
}

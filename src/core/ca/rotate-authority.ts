/**
 * `custos ca rotate`: a CA's next generation — a new key of the same type and backend, an issuing certificate signed
 * by the same root — created `next` (in the bundles at once, signing after the overlap), and `applyRollover`, which
 * writes the status changes that are due (run by `custos serve` every few seconds and by `custos ca rotate --status`).
 * Each change is audited in its transaction: `ca.rotated`, `ca.activated`, `ca.retired`.
 */
import { generateCertificate } from '../../pki/x509/generate/certificate.js';
import { issuerIdentity } from '../../pki/x509/generate/issuer-identity.js';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import { DomainError } from '../errors.js';
import type { CertificateAuthority } from '../ports/authority-store.js';
import type { KeyBackendChoice, KeyReference } from '../ports/key-manager.js';
import { backdated, type CaDependencies } from './ca-dependencies.js';
import {
  generationOf,
  rolloverTransitions,
  statusChanges,
  successorName,
  type RolloverTransition,
} from './rollover.js';
import { newSerialNumber } from './serial-number.js';

export interface RotateAuthorityInput {
  name: string;
  /** How long the new generation waits before it signs; default 2 × the longest lifetime of a still-valid leaf. */
  overlapMs?: number;
}

const cannot = (name: string, why: string) =>
  new DomainError(
    'CUSTOS_CA_CANNOT_ROTATE',
    `The certificate authority "${name}" cannot be rotated: ${why}.`,
    {
      hint: '`custos ca list` shows each generation and its status.',
    },
  );

const backendOf = (key: KeyReference): KeyBackendChoice =>
  key.backend === 'software'
    ? { backend: 'software' }
    : { backend: 'pkcs11', module: key.module, slot: key.slot };

/** The CA named and its successors, oldest first. CUSTOS_CA_NOT_FOUND when the name is unknown. */
export async function generationsFrom(
  deps: { store: Pick<CaDependencies['store'], 'authorities'> },
  name: string,
): Promise<CertificateAuthority[]> {
  const first = await deps.store.authorities.get(name);
  if (first === null)
    throw new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${name}".`, {
      hint: '`custos ca list` shows them; `custos ca init` creates the default one.',
    });
  const generations = [first];
  for (;;) {
    const next = await deps.store.authorities.get(successorName(generations[generations.length - 1]!.name));
    if (next === null) return generations;
    generations.push(next);
  }
}

export async function rotateAuthority(
  deps: CaDependencies,
  input: RotateAuthorityInput,
): Promise<CertificateAuthority> {
  const generations = await generationsFrom(deps, input.name);
  const current = generations[generations.length - 1]!;
  if (current.status !== 'active' || current.certificate === null)
    throw cannot(current.name, `its newest generation "${current.name}" is ${current.status}`);
  const rootDer = current.chain[current.chain.length - 1];
  if (current.rootKey === null || rootDer === undefined)
    throw cannot(
      current.name,
      'its root key is not held by Custos (an external root signs a new intermediate)',
    );

  const now = deps.clock.now();
  const overlapMs =
    input.overlapMs ?? 2 * (await deps.store.authorities.validIssued(current.name, now)).longestTtlMs;
  const name = successorName(current.name);
  const { family, generation } = generationOf(name);
  const old = parseCertificate(current.certificate);
  const root = issuerIdentity(rootDer);
  const rootSigner = await deps.keys.signer(current.rootKey);
  const key = await deps.keys.generate(current.keyType, backendOf(current.key), name);
  const certificate = await generateCertificate(
    {
      serialNumber: newSerialNumber(deps.secureRandom),
      subject: [[{ type: 'CN', value: `Custos ${family} Issuing CA r${generation}` }]],
      issuer: root.subject,
      notBefore: backdated(now),
      // As long as the old one was made to live, within the root's validity.
      notAfter: new Date(
        Math.min(
          now.getTime() + (old.notAfter.getTime() - old.notBefore.getTime()),
          parseCertificate(rootDer).notAfter.getTime(),
        ),
      ),
      publicKeySpki: key.publicKeySpki,
      ca: { pathLength: 0 },
      ...(root.subjectKeyIdentifier === undefined
        ? {}
        : { authorityKeyIdentifier: root.subjectKeyIdentifier }),
    },
    rootSigner,
  );
  const authority: CertificateAuthority = {
    name,
    status: 'next',
    keyType: current.keyType,
    key: key.reference,
    rootKey: current.rootKey,
    certificate,
    chain: current.chain,
    csr: null,
    signsFrom: new Date(now.getTime() + overlapMs),
    createdAt: now,
  };
  await deps.store.transaction(async (tx) => {
    await tx.authorities.create(authority);
    await tx.appendAudit([
      {
        type: 'ca.rotated',
        actor: deps.actor,
        subject: `ca:${name}`,
        at: now,
        data: {
          name,
          predecessor: current.name,
          signsFrom: authority.signsFrom?.toISOString() ?? null,
          overlapMs,
          backend: key.reference.backend,
          fingerprintSha256: parseCertificate(certificate).fingerprintSha256,
        },
      },
    ]);
  });
  return authority;
}

/**
 * Writes the rollover status changes due now, each in its own transaction with its audit event, re-deciding inside
 * the transaction so two servers on one database apply each once. Returns those applied.
 */
export async function applyRollover(
  deps: Pick<CaDependencies, 'store' | 'clock' | 'actor'>,
): Promise<RolloverTransition[]> {
  const applied: RolloverTransition[] = [];
  const due = await decide(deps.store.authorities, deps.clock.now());
  for (const candidate of due) {
    const done = await deps.store.transaction(async (tx) => {
      const at = deps.clock.now();
      const transition = (await decide(tx.authorities, at)).find((t) => t.name === candidate.name);
      if (transition === undefined) return null;
      for (const [name, status] of statusChanges(transition)) await tx.authorities.update(name, { status });
      await tx.appendAudit([
        {
          type: transition.kind === 'activate' ? 'ca.activated' : 'ca.retired',
          actor: deps.actor,
          subject: `ca:${transition.name}`,
          at,
          data:
            transition.kind === 'activate'
              ? { name: transition.name, retiring: transition.retiring }
              : { name: transition.name },
        },
      ]);
      return transition;
    });
    if (done !== null) applied.push(done);
  }
  return applied;
}

async function decide(
  reader: CaDependencies['store']['authorities'],
  at: Date,
): Promise<RolloverTransition[]> {
  const authorities = await reader.list();
  const valid = new Map<string, number>();
  for (const authority of authorities)
    if (authority.status === 'retiring')
      valid.set(authority.name, (await reader.validIssued(authority.name, at)).count);
  return rolloverTransitions(authorities, valid, at);
}

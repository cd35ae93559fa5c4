/**
 * `custos ca init`: a new certificate authority — a self-signed root and the issuing intermediate it signs, both
 * keys in the key manager (the root's kept for rollover) — or, for an offline root, a pending CA with its key and
 * CSR, waiting for `ca import`. Audited in the transaction that stores it.
 */
import { generateCertificate } from '../../pki/x509/generate/certificate.js';
import { generateCsr } from '../../pki/x509/generate/csr.js';
import type { DistinguishedName } from '../../pki/x509/generate/distinguished-name.js';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import { DomainError } from '../errors.js';
import type { CertificateAuthority } from '../ports/authority-store.js';
import type { KeyBackendChoice, KeyType } from '../ports/key-manager.js';
import { backdated, type CaDependencies } from './ca-dependencies.js';
import { newSerialNumber } from './serial-number.js';

export interface InitAuthorityInput {
  name: string;
  keyType: KeyType;
  where: KeyBackendChoice;
  /** The root's subject; default `CN=Custos <name> Root CA`. */
  rootSubject?: DistinguishedName;
  /** The issuing CA's subject; default `CN=Custos <name> Issuing CA`. */
  subject?: DistinguishedName;
  rootTtlMs: number;
  intermediateTtlMs: number;
  /** Make only a key and a CSR for an external root (status `pending`). */
  intermediateCsr?: boolean;
}

export interface InitAuthorityResult {
  authority: CertificateAuthority;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** CUSTOS_INVALID_ARGUMENT unless the name is lower-case letters, digits and dashes (it goes into URLs and files). */
export function checkAuthorityName(name: string): void {
  if (!NAME.test(name) || /--r[0-9]+$/.test(name))
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `"${name}" is not a CA name.`, {
      hint: 'Use 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit (it is part of the CRL and CA certificate URLs); names ending in --r<N> are the generations `ca rotate` makes.',
    });
}

const exists = (name: string) =>
  new DomainError('CUSTOS_CA_EXISTS', `A certificate authority named "${name}" exists.`, {
    hint: 'Choose another --name, or see it with `custos ca show`.',
  });

export async function initAuthority(
  deps: CaDependencies,
  input: InitAuthorityInput,
): Promise<InitAuthorityResult> {
  checkAuthorityName(input.name);
  if ((await deps.store.authorities.get(input.name)) !== null) throw exists(input.name);
  const now = deps.clock.now();
  const subject = input.subject ?? [[{ type: 'CN', value: `Custos ${input.name} Issuing CA` }]];
  const issuing = await deps.keys.generate(input.keyType, input.where, input.name);
  const signer = await deps.keys.signer(issuing.reference);

  let authority: CertificateAuthority;
  if (input.intermediateCsr) {
    const csr = await generateCsr({ subject }, signer);
    authority = {
      name: input.name,
      status: 'pending',
      keyType: input.keyType,
      key: issuing.reference,
      rootKey: null,
      certificate: null,
      chain: [],
      csr,
      signsFrom: null,
      createdAt: now,
    };
  } else {
    const root = await deps.keys.generate(input.keyType, input.where, `${input.name}-root`);
    const rootSigner = await deps.keys.signer(root.reference);
    const rootSubject = input.rootSubject ?? [[{ type: 'CN', value: `Custos ${input.name} Root CA` }]];
    const rootNotAfter = new Date(now.getTime() + input.rootTtlMs);
    const rootDer = await generateCertificate(
      {
        serialNumber: newSerialNumber(deps.secureRandom),
        subject: rootSubject,
        notBefore: backdated(now),
        notAfter: rootNotAfter,
        ca: { pathLength: 1 },
      },
      rootSigner,
    );
    const rootCertificate = parseCertificate(rootDer);
    const intermediateDer = await generateCertificate(
      {
        serialNumber: newSerialNumber(deps.secureRandom),
        subject,
        issuer: rootSubject,
        notBefore: backdated(now),
        notAfter: new Date(
          Math.min(now.getTime() + input.intermediateTtlMs, rootCertificate.notAfter.getTime()),
        ),
        publicKeySpki: issuing.publicKeySpki,
        ca: { pathLength: 0 },
      },
      rootSigner,
    );
    authority = {
      name: input.name,
      status: 'active',
      keyType: input.keyType,
      key: issuing.reference,
      rootKey: root.reference,
      certificate: intermediateDer,
      chain: [rootDer],
      csr: null,
      signsFrom: now,
      createdAt: now,
    };
  }

  await deps.store.transaction(async (tx) => {
    await tx.authorities.create(authority);
    await tx.appendAudit([
      {
        type: 'ca.created',
        actor: deps.actor,
        subject: `ca:${authority.name}`,
        at: now,
        data: {
          name: authority.name,
          status: authority.status,
          keyType: authority.keyType,
          backend: authority.key.backend,
          certificates: [authority.certificate, ...authority.chain]
            .filter((der): der is Uint8Array => der !== null)
            .map((der) => {
              const parsed = parseCertificate(der);
              return { fingerprintSha256: parsed.fingerprintSha256, subject: parsed.subject };
            }),
        },
      },
    ]);
  });
  return { authority };
}

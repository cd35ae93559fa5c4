/**
 * One issuance as a caller asks for it, the same for `custos cert issue` and `POST /v1/certificates/issue`: the
 * credential is authorized first (audited), a bootstrap token's identity wins (another one asked for is refused),
 * the names are the ones given explicitly when any is given and else the CSR's, and the built-in CA issues.
 */
import type { CsrContent } from '../../pki/x509/generate/csr-reader.js';
import { DomainError } from '../errors.js';
import {
  authorizeIssuance,
  grantedIdentity,
  type AuthorizeIssuanceDependencies,
  type IssuanceCredential,
} from './authorize-issuance.js';
import type { RequestedNames } from './csr-request.js';
import { issueCertificate, type IssueDependencies, type IssuedResult } from './issue-certificate.js';

export interface IssueForCallerInput {
  authority: string;
  /** The caller's request as read (`readCsrRequest`), or null when the key was generated for it. */
  fromCsr: { csr: CsrContent; names: RequestedNames } | null;
  /** The generated key's SubjectPublicKeyInfo (DER) when there is no CSR. */
  generatedSpki?: Uint8Array;
  /** Names given explicitly (flags, API fields); all empty: the CSR's. */
  names: RequestedNames;
  ttlMs: number | null;
  identity: string | null;
  credential: IssuanceCredential;
}

/** `--dns a,b --dns c`: every name, once, in order, blanks dropped. */
export const uniqueNames = (values: readonly string[] | undefined): string[] => [
  ...new Set(
    (values ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ),
];

const anyName = (n: RequestedNames): boolean =>
  n.commonName !== null || n.dnsNames.length + n.ipAddresses.length + n.uris.length > 0;

export async function issueForCaller(
  deps: IssueDependencies & AuthorizeIssuanceDependencies,
  input: IssueForCallerInput,
): Promise<IssuedResult> {
  const publicKeySpki = input.fromCsr?.csr.publicKeySpki ?? input.generatedSpki;
  if (publicKeySpki === undefined)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'Give a certificate request (CSR) or generate a key.');
  // Who asks: the local operator, an API token, or whoever holds a bootstrap token (spent here, audited either way).
  const provisioner = await authorizeIssuance(deps, input.credential);
  const tokenIdentity = grantedIdentity(provisioner);
  if (tokenIdentity !== null && input.identity !== null && input.identity !== tokenIdentity)
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `identity ${input.identity}: the token was made for identity ${tokenIdentity}.`,
    );
  const requested = anyName(input.names) || input.fromCsr === null ? input.names : input.fromCsr.names;
  return issueCertificate(deps, {
    authority: input.authority,
    csr: input.fromCsr?.csr ?? null,
    publicKeySpki,
    ...requested,
    ttlMs: input.ttlMs,
    identity: tokenIdentity ?? input.identity,
    provisioner,
  });
}

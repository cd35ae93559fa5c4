/**
 * Issues one certificate from the built-in CA (the use case behind `custos cert issue`, the API and managed
 * certificates): the ordered issuance checks, then the leaf assembled and signed in memory, then every lint — and
 * only a certificate that passes them all is persisted, in one transaction with its inventory entry (location kind
 * `issued`), its evaluation (identity, owner) and its audit event. Nothing that fails a check or a lint leaves the
 * process or reaches the store.
 */
import {
  readPathCertificate,
  readPathCertificateCached,
  type PathCertificate,
} from '../../pki/path/path-certificate.js';
import type { LintContext, LintFailure } from '../../pki/lint/lint.js';
import { runLints } from '../../pki/lint/run-lints.js';
import { generateCertificate } from '../../pki/x509/generate/certificate.js';
import { PkiFormatError } from '../../pki/problem.js';
import { DomainError } from '../errors.js';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';
import type { CertificateAuthority, IssuedCertificate } from '../ports/authority-store.js';
import type { CaDependencies } from './ca-dependencies.js';
import { DEFAULT_TTL_MS, leafParameters, publicationUrls } from './certificate-profile.js';
import { checkIssuance } from './check-issuance.js';
import { withCommonNameInSans } from './common-name-in-sans.js';
import type { IssuanceRecorder } from './issuance-batcher.js';
import type { IssuanceRequest } from './issuance-request.js';
import { recordIssuance } from './record-issuance.js';
import { signerAt } from './rollover.js';
import {
  readIssuanceConfiguration,
  type IssuanceConfiguration,
  type IssuanceConfigurationSource,
} from './issuance-configuration.js';
import { newSerialNumber } from './serial-number.js';

export interface IssueDependencies extends CaDependencies {
  /** `server.baseUrl`: where the CA certificate, OCSP and CRL are published (AIA and CRL DP of every leaf). */
  baseUrl: string;
  /** The lints every certificate passes before it leaves; default every lint (pki/lint LINTS). */
  lint?: (certificate: PathCertificate, context: LintContext) => LintFailure[];
  /**
   * Where issued certificates are recorded: a group-committing batcher shared by concurrent callers (the server's,
   * `issuanceBatcher(store)`), or, when absent, one transaction per certificate.
   */
  issuances?: IssuanceRecorder;
  /** Where the CA, the policies and the identity come from: a cache shared by callers, or, when absent, the store. */
  issuanceConfiguration?: IssuanceConfigurationSource;
}

export interface IssuedResult {
  certificate: IssuedCertificate;
  /** The issuing CA certificate, then the certificates above it up to the root (DER). */
  chain: Uint8Array[];
}

/**
 * The generation of the CA a request names that signs now (after `ca rotate`, the newest one whose overlap has
 * passed, whether or not the rollover task has written its status yet): CUSTOS_CA_NOT_FOUND, CUSTOS_CA_NOT_ACTIVE.
 */
export async function signingAuthority(
  configuration: IssuanceConfiguration,
  name: string,
  now: Date,
): Promise<CertificateAuthority & { certificate: Uint8Array }> {
  const generations = await configuration.generations(name);
  const authority = signerAt(generations, now);
  if (authority?.certificate === null || authority?.certificate === undefined)
    throw new DomainError(
      'CUSTOS_CA_NOT_ACTIVE',
      `The certificate authority "${name}" is ${generations[0]!.status} and does not sign now.`,
    );
  return { ...authority, certificate: authority.certificate };
}

/** `CUSTOS_LINT_<NAME>` when the catalogue has it (the lints add theirs), else CUSTOS_LINT_FAILED. */
export function lintErrorCode(lint: string): ErrorCode {
  const code = `CUSTOS_LINT_${lint.replace(/-/g, '_').toUpperCase()}`;
  return Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : 'CUSTOS_LINT_FAILED';
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

export async function issueCertificate(
  deps: IssueDependencies,
  asked: IssuanceRequest,
): Promise<IssuedResult> {
  const request = withCommonNameInSans(asked);
  const now = deps.clock.now();
  const configuration = await (deps.issuanceConfiguration?.current() ??
    readIssuanceConfiguration(deps.store));
  const authority = await signingAuthority(configuration, request.authority, now);
  const caCertificate = readPathCertificateCached(authority.certificate);
  const [policies, identity] = await Promise.all([
    configuration.policies(),
    request.identity === null ? null : configuration.identity(request.identity),
  ]);
  checkIssuance(request, {
    authority,
    caCertificate,
    now,
    defaultTtlMs: DEFAULT_TTL_MS,
    policies,
    identity,
  });

  const signer = await deps.keys.signer(authority.key);
  if (!sameBytes(signer.publicKeySpki, caCertificate.spki))
    throw new DomainError(
      'CUSTOS_KEY_INVALID',
      `The key of the certificate authority "${authority.name}" is not the key of its certificate.`,
    );
  let der: Uint8Array;
  try {
    der = await generateCertificate(
      leafParameters({
        request,
        caCertificate,
        serialNumber: newSerialNumber(deps.secureRandom),
        now,
        urls: publicationUrls(deps.baseUrl, authority.name),
      }),
      signer,
    );
  } catch (error) {
    if (error instanceof PkiFormatError)
      throw new DomainError(error.code, `The certificate cannot be made: ${error.message}`);
    throw error;
  }

  const leaf = readPathCertificate(der);
  const failures = (deps.lint ?? runLints)(leaf, { issuer: caCertificate });
  const failure = failures.find((f) => f.severity === 'error');
  if (failure !== undefined)
    throw new DomainError(
      lintErrorCode(failure.lint),
      `The certificate was not issued: it fails lint ${failure.lint} (${failure.source}): ${failure.message}`,
    );

  // Managed certificates issue under a request key (builtInCaIssuer): kept so a crashed caller finds it again.
  const requestKey = request.provisioner.claims['requestKey'];
  const certificate: IssuedCertificate = {
    fingerprintSha256: leaf.fingerprintSha256,
    authority: authority.name,
    serialNumber: leaf.serialNumber,
    der,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    identity: request.identity,
    provisioner: request.provisioner.name,
    issuedAt: now,
    requestKey: typeof requestKey === 'string' ? requestKey : null,
    revocation: null,
  };
  // The evaluation that records it lints it as the inventory does (no issuer): the same failures, since the lints
  // that read the issuer are errors, absent here (a self-issued leaf is linted again: its AKI check differs). Passed along, not run twice (bench/issue: ~0.5 ms a certificate).
  const record = {
    certificate,
    leaf,
    request,
    at: now,
    ...(deps.lint === undefined && !leaf.selfIssued ? { lintFailures: failures } : {}),
  };
  if (deps.issuances === undefined) await recordIssuance(deps, record);
  else await deps.issuances.record({ ...record, actor: deps.actor });
  return { certificate, chain: [authority.certificate, ...authority.chain] };
}

import { PkiFormatError } from '../problem.js';
import { readPathCertificate, type PathCertificate } from '../path/path-certificate.js';
import { parseCertificate } from '../x509/lean-reader.js';
import { akiPresent } from './aki-present.js';
import { akiKeyIdentifier } from './aki-key-identifier.js';
import { akiKeyIdentifierOnly } from './aki-key-identifier-only.js';
import { akiNonCritical } from './aki-non-critical.js';
import { aiaWellFormed } from './aia-well-formed.js';
import { basicConstraintsCritical } from './basic-constraints-critical.js';
import { commonNameInSan } from './common-name-in-san.js';
import { ekuKeyUsage } from './eku-key-usage.js';
import { ekuCritical } from './eku-critical.js';
import { ekuPresent } from './eku-present.js';
import { keyUsageKeyType } from './key-usage-key-type.js';
import { leafCaFalse } from './leaf-ca-false.js';
import { leafKeyCertSign } from './leaf-key-cert-sign.js';
import type { Lint, LintContext, LintFailure } from './lint.js';
import { nameConstraintsCritical } from './name-constraints-critical.js';
import { nameConstraintsWellFormed } from './name-constraints-well-formed.js';
import { noDuplicateExtensions } from './no-duplicate-extensions.js';
import { policyExtensionsCritical } from './policy-extensions-critical.js';
import { rootNoEku } from './root-no-eku.js';
import { rsaKeySize } from './rsa-key-size.js';
import { rsaModulusLength } from './rsa-modulus-length.js';
import { sanCritical } from './san-critical.js';
import { sanDnsNameSyntax } from './san-dns-name-syntax.js';
import { sanPresent } from './san-present.js';
import { sanWildcard } from './san-wildcard.js';
import { serialNumberEntropy } from './serial-number-entropy.js';
import { serialNumberLength } from './serial-number-length.js';
import { serialNumberPositive } from './serial-number-positive.js';
import { skiPresent } from './ski-present.js';
import { validityTimeEncoding } from './validity-time-encoding.js';
import { validityWithinIssuer } from './validity-within-issuer.js';

/** Every lint, in the order they run (one file each in this folder). */
export const LINTS: readonly Lint[] = [
  serialNumberPositive,
  serialNumberLength,
  serialNumberEntropy,
  validityTimeEncoding,
  validityWithinIssuer,
  noDuplicateExtensions,
  sanPresent,
  sanDnsNameSyntax,
  sanWildcard,
  sanCritical,
  commonNameInSan,
  basicConstraintsCritical,
  leafCaFalse,
  leafKeyCertSign,
  keyUsageKeyType,
  ekuPresent,
  ekuCritical,
  rootNoEku,
  ekuKeyUsage,
  akiPresent,
  akiNonCritical,
  akiKeyIdentifier,
  akiKeyIdentifierOnly,
  skiPresent,
  rsaKeySize,
  rsaModulusLength,
  nameConstraintsWellFormed,
  nameConstraintsCritical,
  policyExtensionsCritical,
  aiaWellFormed,
];

/**
 * The certificate is not strict DER (X.690 §10, as RFC 5280 §4.1 requires): the lints cannot read it, so this one
 * failure stands for all of them. Not in LINTS (it judges bytes, not a PathCertificate); `lintCertificate` reports it.
 */
export const DER_ENCODING_LINT = {
  name: 'der-encoding',
  severity: 'error',
  source: 'RFC 5280 §4.1; X.690 §10 (DER)',
} as const;

/**
 * Lints the inventory does not run because a built-in finding already reports the same fact (one code per fact):
 * rsa-key-size is `weak-key`.
 */
export const INVENTORY_SKIPPED: ReadonlySet<string> = new Set(['rsa-key-size']);

/** The failures of `certificate` against every lint that applies to it (a leaf or a CA), in LINTS order. */
export function runLints(certificate: PathCertificate, context: LintContext = {}): LintFailure[] {
  const failures: LintFailure[] = [];
  for (const lint of LINTS) {
    if (lint.appliesTo === 'leaf' && certificate.isCA) continue;
    if (lint.appliesTo === 'ca' && !certificate.isCA) continue;
    const message = lint.check(certificate, context);
    if (message !== undefined)
      failures.push({ lint: lint.name, severity: lint.severity, message, source: lint.source });
  }
  return failures;
}

/**
 * Lints a DER certificate with, optionally, the certificates that may have issued it (the one whose subject is
 * its issuer is the context's issuer; else the first given). A certificate that is not strict DER gets the one
 * `der-encoding` failure; one that cannot be read at all throws PkiFormatError (CUSTOS_DER_MALFORMED).
 */
export function lintCertificate(der: Uint8Array, issuers: readonly Uint8Array[] = []): LintFailure[] {
  let certificate: PathCertificate;
  try {
    certificate = readPathCertificate(der, { keepDuplicateExtensions: true });
  } catch (error) {
    if (!(error instanceof PkiFormatError)) throw error;
    parseCertificate(der); // unreadable even leniently: the caller's problem, not a lint
    return [
      {
        lint: DER_ENCODING_LINT.name,
        severity: 'error',
        message: error.message,
        source: DER_ENCODING_LINT.source,
      },
    ];
  }
  const readable = issuers.flatMap((bytes) => {
    try {
      return [readPathCertificate(bytes, { keepDuplicateExtensions: true })];
    } catch {
      return [];
    }
  });
  const issuer = readable.find((c) => c.subjectKey === certificate.issuerKey) ?? readable[0];
  return runLints(certificate, issuer ? { issuer } : {});
}

import type { LintFailure } from '../../pki/lint/lint.js';
import { lintCertificate } from '../../pki/lint/run-lints.js';
import { PkiFormatError } from '../../pki/problem.js';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import { DomainError } from '../errors.js';

/** One file given to `custos lint`: its certificates in file order (the first is linted, the rest are its issuers). */
export interface LintInput {
  file: string;
  certificates: Uint8Array[];
}

export interface LintReport {
  file: string;
  fingerprintSha256: string;
  subject: string;
  failures: LintFailure[];
}

/**
 * `custos lint`: the lints of src/pki/lint over the first certificate of each file, with the file's other
 * certificates as candidate issuers (validity-within-issuer, the AKI against the issuer's SKI). A certificate that
 * cannot be read at all is CUSTOS_DER_MALFORMED.
 */
export function lintCertificates(inputs: readonly LintInput[]): LintReport[] {
  return inputs.map(({ file, certificates: [subject, ...issuers] }) => {
    if (!subject) throw new DomainError('CUSTOS_FILE_UNRECOGNISED', `${file} holds no certificate`);
    try {
      const parsed = parseCertificate(subject);
      return {
        file,
        fingerprintSha256: parsed.fingerprintSha256,
        subject: parsed.subject,
        failures: lintCertificate(subject, issuers),
      };
    } catch (error) {
      if (error instanceof PkiFormatError) throw new DomainError(error.code, `${file}: ${error.message}`);
      throw error;
    }
  });
}

/** Exit 1 when any lint of error severity failed. */
export const lintFailed = (reports: readonly LintReport[]): boolean =>
  reports.some((r) => r.failures.some((f) => f.severity === 'error'));

import type { PkiProblemCode } from '../pki/problem.js';

/**
 * The catalogue of every error code Custos emits. `docs/errors.md` documents the same codes; a test keeps the
 * two in step both ways. `exit` is the CLI exit code (2 bad usage or input, 1 a failure the command found,
 * 3 an environment failure such as a dead database), `http` the status the API maps it to.
 */
export interface ErrorCodeInfo {
  exit: 1 | 2 | 3;
  http: number;
  summary: string;
}

const PKI: Record<PkiProblemCode, ErrorCodeInfo> = {
  CUSTOS_FILE_EMPTY: { exit: 2, http: 422, summary: 'The file is empty.' },
  CUSTOS_FILE_TRUNCATED: {
    exit: 2,
    http: 422,
    summary: 'The file ends in the middle of a PEM block or DER structure.',
  },
  CUSTOS_FILE_UNRECOGNISED: {
    exit: 2,
    http: 422,
    summary: 'The file holds no certificate, key or keystore Custos recognises.',
  },
  CUSTOS_FILE_MALFORMED: {
    exit: 2,
    http: 422,
    summary: 'The file is a recognised format but its contents are broken.',
  },
  CUSTOS_PKCS12_PASSWORD_UNKNOWN: {
    exit: 2,
    http: 422,
    summary:
      "A PKCS#12 file could not be opened with an empty password or any password given (--password, --password-file, CUSTOS_PASSWORDS, a scan profile's passwordsFromEnv).",
  },
  CUSTOS_PKCS12_UNSUPPORTED: {
    exit: 2,
    http: 422,
    summary: 'A PKCS#12 file uses an encryption algorithm Custos cannot decrypt.',
  },
  CUSTOS_DER_MALFORMED: { exit: 2, http: 422, summary: 'A certificate is not valid DER.' },
  CUSTOS_KEY_ENCRYPTED: {
    exit: 2,
    http: 422,
    summary:
      "A private key is encrypted and neither an empty password nor any password given (--password, --password-file, CUSTOS_PASSWORDS, a scan profile's passwordsFromEnv) opens it.",
  },
  CUSTOS_PKI_PARAMETER_INVALID: {
    exit: 2,
    http: 400,
    summary: 'A certificate, CSR, CRL or OCSP response cannot be written with the parameters given.',
  },
  CUSTOS_FILE_WORK_EXCEEDED: {
    exit: 2,
    http: 422,
    summary: 'A file needs more work (certificates, time) than one file may take; the scan goes on.',
  },
};

export const ERROR_CODES = {
  ...PKI,
  CUSTOS_USAGE: { exit: 2, http: 400, summary: 'A command was called with unknown or missing arguments.' },
  CUSTOS_INVALID_ARGUMENT: { exit: 2, http: 400, summary: 'An argument or flag value is not valid.' },
  CUSTOS_CONFIG_INVALID: {
    exit: 2,
    http: 400,
    summary: 'The configuration (file, environment or flags) is not valid.',
  },
  CUSTOS_NOT_FOUND: { exit: 2, http: 404, summary: 'Nothing matches the given name or fingerprint prefix.' },
  CUSTOS_AMBIGUOUS_PREFIX: {
    exit: 2,
    http: 409,
    summary: 'A fingerprint prefix matches more than one certificate.',
  },
  CUSTOS_FILE_UNREADABLE: {
    exit: 2,
    http: 422,
    summary: 'A file or directory could not be read (permissions, I/O error).',
  },
  CUSTOS_FILE_NOT_FOUND: { exit: 2, http: 404, summary: 'A path given on the command line does not exist.' },
  CUSTOS_FILE_SYMLINK_LOOP: { exit: 2, http: 422, summary: 'A symbolic link points back into itself.' },
  CUSTOS_FILE_TOO_LARGE: {
    exit: 2,
    http: 422,
    summary: 'A file is larger than the scanner reads (certificate containers are small).',
  },
  CUSTOS_FILE_NOT_REGULAR: {
    exit: 2,
    http: 422,
    summary: 'A file the user named is a directory, FIFO, socket or device, not a regular file; not read.',
  },
  CUSTOS_STORE_UNAVAILABLE: { exit: 3, http: 503, summary: 'The database cannot be opened or reached.' },
  CUSTOS_STORE_BUSY: {
    exit: 3,
    http: 503,
    summary:
      'Another process held the SQLite write lock for the whole wait (10 minutes); nothing was written.',
  },
  CUSTOS_STORE_FAILED: {
    exit: 3,
    http: 500,
    summary: 'A database operation failed; nothing of it was written.',
  },
  CUSTOS_DATA_DIR_UNUSABLE: {
    exit: 3,
    http: 500,
    summary: 'The data directory cannot be created or written.',
  },
  CUSTOS_AUDIT_WRITE_FAILED: {
    exit: 3,
    http: 500,
    summary: 'An audit event could not be written, so the change it records was not made.',
  },
  CUSTOS_AUDIT_CHAIN_BROKEN: {
    exit: 1,
    http: 500,
    summary: 'The audit hash chain does not verify: a record was altered, removed or reordered.',
  },
  CUSTOS_AUDIT_STATE_MISMATCH: {
    exit: 1,
    http: 500,
    summary: 'The stored state is not what the audit events say: a state table was edited without an event.',
  },
  CUSTOS_KEY_FILE_INSECURE: {
    exit: 3,
    http: 500,
    summary:
      'A key file (audit key, CA key-encryption key) is readable or writable by others, a symbolic link or not a regular file.',
  },
  CUSTOS_KEY_INVALID: {
    exit: 3,
    http: 500,
    summary:
      'A key is missing, unreadable, not 32 bytes (base64 or hex), or not the one the data was sealed with.',
  },
  CUSTOS_CHECKPOINT_INVALID: {
    exit: 2,
    http: 422,
    summary: 'An audit checkpoint or export file is not what `custos audit checkpoint` or `export` wrote.',
  },
  CUSTOS_CHECKPOINT_NOT_SENT: {
    exit: 3,
    http: 502,
    summary: 'An audit checkpoint could not be delivered to its webhook (it was printed all the same).',
  },
  CUSTOS_SCAN_RANGE_TOO_LARGE: {
    exit: 2,
    http: 400,
    summary: 'A CIDR range holds more addresses, or a scan more endpoints, than its limit (default 65,536).',
  },
  CUSTOS_MANIFEST_INVALID: {
    exit: 2,
    http: 422,
    summary:
      'A declarative YAML file has invalid documents; nothing of it was applied (each problem has its line).',
  },
  CUSTOS_OUTPUT_WRITE_FAILED: {
    exit: 3,
    http: 500,
    summary:
      'An output file could not be written (full disk, no permission); the previous file is left as it was.',
  },
  CUSTOS_NOT_BUILT: {
    exit: 3,
    http: 500,
    summary: 'The compiled CLI is missing: run `npm install` or `npm run build` in the package directory.',
  },
  // Built-in CA (issue 11): authorities, keys, issuance, revocation. Append new codes of an area at its end.
  CUSTOS_CA_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'No certificate authority of that name; `custos ca list` shows them.',
  },
  CUSTOS_CA_EXISTS: { exit: 2, http: 409, summary: 'A certificate authority of that name already exists.' },
  CUSTOS_KEY_UNAVAILABLE: {
    exit: 3,
    http: 503,
    summary:
      'A CA key cannot be reached: its PKCS#11 module, slot or PIN, or the key-encryption key, is missing.',
  },
  CUSTOS_CSR_SIGNATURE_INVALID: {
    exit: 2,
    http: 422,
    summary: 'The certificate request is not signed by its own key (no proof of possession).',
  },
  CUSTOS_CA_NOT_PENDING: {
    exit: 2,
    http: 409,
    summary:
      'The certificate authority is not waiting for a certificate: only one made with `ca init --intermediate-csr` is.',
  },
  CUSTOS_CA_CERTIFICATE_MISMATCH: {
    exit: 2,
    http: 422,
    summary:
      'The certificate given for a CA is not a CA certificate for its key, or its chain does not lead from it.',
  },
  CUSTOS_CA_NOT_ACTIVE: {
    exit: 2,
    http: 409,
    summary: 'The certificate authority does not sign now (pending, next, retiring or retired).',
  },
  CUSTOS_ISSUED_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'No certificate issued by the built-in CA has that serial number or fingerprint.',
  },
  CUSTOS_LINT_FAILED: {
    exit: 2,
    http: 422,
    summary:
      'The assembled certificate fails a lint, so it was not issued; the message names the lint and its source.',
  },
  // Issuance checks (src/core/ca/checks/): each refusal names what was refused and why.
  CUSTOS_KEY_TYPE_NOT_ALLOWED: {
    exit: 2,
    http: 422,
    summary:
      'The key is not one the CA signs: RSA 2048-8192 bits (a multiple of 8), ECDSA P-256 or P-384, or Ed25519.',
  },
  CUSTOS_KEY_EXPONENT_INVALID: {
    exit: 2,
    http: 422,
    summary: 'The RSA public exponent is even, below 65537 or above 2^256-1 (CA/Browser Forum BR 6.1.6).',
  },
  CUSTOS_KEY_WEAK: {
    exit: 2,
    http: 422,
    summary:
      "The key is known to be weak (ROCA, Debian's predictable OpenSSL keys, small or close factors) or is the CA's own.",
  },
  CUSTOS_ISSUANCE_REQUEST_INVALID: {
    exit: 2,
    http: 422,
    summary:
      'The request names nothing, or a name, IP address or URI in it is malformed (the field is named).',
  },
  CUSTOS_PROVISIONER_NAME_NOT_ALLOWED: {
    exit: 2,
    http: 403,
    summary: "A requested name is outside the provisioner's name patterns.",
  },
  CUSTOS_PROVISIONER_KEY_NOT_ALLOWED: {
    exit: 2,
    http: 403,
    summary: "The key type is not among the provisioner's allowed key types.",
  },
  CUSTOS_PROVISIONER_TTL_TOO_LONG: {
    exit: 2,
    http: 403,
    summary: "The requested lifetime is longer than the provisioner's maximum.",
  },
  CUSTOS_POLICY_DENIED: {
    exit: 2,
    http: 403,
    summary: 'An issuance policy denied the request, or could not be evaluated (named with its message).',
  },
  // Provisioners (issue 11): who may ask the built-in CA, and how they prove it.
  CUSTOS_TOKEN_INVALID: {
    exit: 2,
    http: 401,
    summary:
      'A credential offered to the built-in CA is not accepted: a bootstrap token unknown, used or expired, a JWT that does not verify, or a client certificate that is not a valid one Custos issued; the message says which.',
  },
  CUSTOS_PROVISIONER_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary:
      'No provisioner of that name (or kind) is configured; `provisioners:` in custos.yaml lists them.',
  },
  CUSTOS_JWKS_UNAVAILABLE: {
    exit: 3,
    http: 503,
    summary:
      "The signing keys (JWK Set) of a JWT provisioner's issuer could not be fetched or read in time, or are not a JWK Set.",
  },
  CUSTOS_INTERNAL: { exit: 3, http: 500, summary: 'An unexpected internal error; the log holds the cause.' },
  // Managed certificates (issue 12): issuers, destinations, the reconciler. Append new codes of an area at its end.
  CUSTOS_MANAGED_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'No managed certificate of that name; `custos managed list` shows them.',
  },
  CUSTOS_MANAGED_ISSUER_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'A managed certificate names an issuer (issuerRef.name) that is not configured.',
  },
  CUSTOS_DEPLOY_FAILED: {
    exit: 1,
    http: 502,
    summary: 'A destination could not be written, or its reload command failed or timed out.',
  },
  CUSTOS_MANAGED_NOT_SETTLED: {
    exit: 1,
    http: 504,
    summary: 'The reconciler ran out of time before every managed certificate settled.',
  },
  CUSTOS_MANAGED_CONFLICT: {
    exit: 1,
    http: 409,
    summary: 'A managed certificate changed while a step ran; the step was not recorded and runs again.',
  },
  CUSTOS_MANAGED_NO_ROLLBACK: {
    exit: 2,
    http: 409,
    summary: 'A managed certificate has no previous revision that is still valid to roll back to.',
  },
  // Server (issue 13): `custos serve` and the HTTP API.
  CUSTOS_LISTEN_FAILED: {
    exit: 3,
    http: 500,
    summary:
      '`custos serve` cannot listen on the address given (in use, not permitted, not an address here).',
  },
  // Lints (issue 11, src/pki/lint/): a certificate the built-in CA refuses to sign; `CUSTOS_LINT_<NAME>`.
  CUSTOS_LINT_SERIAL_NUMBER_POSITIVE: {
    exit: 2,
    http: 422,
    summary: 'The serial number is zero or negative. (RFC 5280 §4.1.2.2)',
  },
  CUSTOS_LINT_SERIAL_NUMBER_LENGTH: {
    exit: 2,
    http: 422,
    summary: 'The serial number is longer than 20 octets. (RFC 5280 §4.1.2.2)',
  },
  CUSTOS_LINT_SERIAL_NUMBER_ENTROPY: {
    exit: 2,
    http: 422,
    summary:
      'The serial number is shorter than 8 octets, too short for 64 random bits (warning). (CA/B Forum BR §7.1)',
  },
  CUSTOS_LINT_VALIDITY_TIME_ENCODING: {
    exit: 2,
    http: 422,
    summary:
      'A validity time is not UTCTime through 2049 / GeneralizedTime from 2050, or not in seconds and Zulu. (RFC 5280 §4.1.2.5)',
  },
  CUSTOS_LINT_VALIDITY_WITHIN_ISSUER: {
    exit: 2,
    http: 422,
    summary: "The validity starts before or ends after the issuing CA's. (RFC 5280 §6.1.3)",
  },
  CUSTOS_LINT_NO_DUPLICATE_EXTENSIONS: {
    exit: 2,
    http: 422,
    summary: 'An extension appears more than once. (RFC 5280 §4.2)',
  },
  CUSTOS_LINT_SAN_PRESENT: {
    exit: 2,
    http: 422,
    summary: 'An end-entity certificate without subjectAltName. (BR §7.1.2.7.12)',
  },
  CUSTOS_LINT_SAN_DNS_NAME_SYNTAX: {
    exit: 2,
    http: 422,
    summary:
      'A dNSName with an underscore, an empty label, a leading or trailing dot, or other characters than letters, digits and hyphens. (RFC 5280 §4.2.1.6)',
  },
  CUSTOS_LINT_SAN_WILDCARD: {
    exit: 2,
    http: 422,
    summary:
      'A wildcard that is not the whole left-most label, or sits directly over a public suffix. (BR §7.1.2.7.12)',
  },
  CUSTOS_LINT_SAN_CRITICAL: {
    exit: 2,
    http: 422,
    summary: 'The subjectAltName is not critical exactly when the subject is empty. (RFC 5280 §4.2.1.6)',
  },
  CUSTOS_LINT_COMMON_NAME_IN_SAN: {
    exit: 2,
    http: 422,
    summary: 'The subject commonName is not one of the subjectAltName entries. (BR §7.1.4.3)',
  },
  CUSTOS_LINT_BASIC_CONSTRAINTS_CRITICAL: {
    exit: 2,
    http: 422,
    summary: 'basicConstraints is not critical on a CA certificate. (RFC 5280 §4.2.1.9)',
  },
  CUSTOS_LINT_LEAF_CA_FALSE: {
    exit: 2,
    http: 422,
    summary:
      'cA=TRUE on an end entity (keyUsage without keyCertSign), or pathLenConstraint without cA=TRUE. (RFC 5280 §4.2.1.9)',
  },
  CUSTOS_LINT_LEAF_KEY_CERT_SIGN: {
    exit: 2,
    http: 422,
    summary: 'keyCertSign on a certificate that is not a CA. (RFC 5280 §4.2.1.3)',
  },
  CUSTOS_LINT_KEY_USAGE_KEY_TYPE: {
    exit: 2,
    http: 422,
    summary:
      'keyUsage the key type cannot honour (keyEncipherment without RSA, keyAgreement with RSA, encryption with EdDSA). (RFC 8813 §3)',
  },
  CUSTOS_LINT_EKU_PRESENT: {
    exit: 2,
    http: 422,
    summary:
      'An end-entity certificate without extendedKeyUsage, or with anyExtendedKeyUsage. (BR §7.1.2.7.10)',
  },
  CUSTOS_LINT_EKU_KEY_USAGE: {
    exit: 2,
    http: 422,
    summary:
      'extendedKeyUsage and keyUsage disagree (serverAuth with EC needs digitalSignature). (RFC 5280 §4.2.1.12)',
  },
  CUSTOS_LINT_AKI_PRESENT: {
    exit: 2,
    http: 422,
    summary: 'No authorityKeyIdentifier on a certificate that is not self-issued. (RFC 5280 §4.2.1.1)',
  },
  CUSTOS_LINT_AKI_NON_CRITICAL: {
    exit: 2,
    http: 422,
    summary: 'The authorityKeyIdentifier is critical. (RFC 5280 §4.2.1.1)',
  },
  CUSTOS_LINT_AKI_KEY_IDENTIFIER: {
    exit: 2,
    http: 422,
    summary:
      "The authorityKeyIdentifier has no keyIdentifier, or it is not the issuer's subjectKeyIdentifier. (RFC 5280 §4.2.1.1)",
  },
  CUSTOS_LINT_AKI_KEY_IDENTIFIER_ONLY: {
    exit: 2,
    http: 422,
    summary:
      'The authorityKeyIdentifier holds authorityCertIssuer or authorityCertSerialNumber. (BR §7.1.2.11.1)',
  },
  CUSTOS_LINT_EKU_CRITICAL: {
    exit: 2,
    http: 422,
    summary: 'The extendedKeyUsage of an end-entity certificate is critical. (BR §7.1.2.7.6)',
  },
  CUSTOS_LINT_ROOT_NO_EKU: {
    exit: 2,
    http: 422,
    summary: 'A root (self-issued CA) certificate carries extendedKeyUsage. (BR §7.1.2.1.2)',
  },
  CUSTOS_LINT_NAME_CONSTRAINTS_CRITICAL: {
    exit: 2,
    http: 422,
    summary: 'nameConstraints is not critical. (RFC 5280 §4.2.1.10)',
  },
  CUSTOS_LINT_POLICY_EXTENSIONS_CRITICAL: {
    exit: 2,
    http: 422,
    summary: 'policyConstraints or inhibitAnyPolicy is not critical. (RFC 5280 §4.2.1.11, §4.2.1.14)',
  },
  CUSTOS_LINT_SKI_PRESENT: {
    exit: 2,
    http: 422,
    summary: 'A CA certificate without a non-critical subjectKeyIdentifier. (RFC 5280 §4.2.1.2)',
  },
  CUSTOS_LINT_RSA_KEY_SIZE: { exit: 2, http: 422, summary: 'An RSA modulus under 2048 bits. (BR §6.1.5)' },
  CUSTOS_LINT_RSA_MODULUS_LENGTH: {
    exit: 2,
    http: 422,
    summary: 'An RSA modulus whose size in bits is not a multiple of 8. (BR §6.1.5)',
  },
  CUSTOS_LINT_NAME_CONSTRAINTS_WELL_FORMED: {
    exit: 2,
    http: 422,
    summary:
      'nameConstraints on a non-CA certificate, with an empty subtree list, or with a malformed dNSName or iPAddress base. (RFC 5280 §4.2.1.10)',
  },
  CUSTOS_LINT_AIA_WELL_FORMED: {
    exit: 2,
    http: 422,
    summary:
      'authorityInfoAccess critical, empty, or an OCSP/caIssuers location that is not an HTTP URL. (RFC 5280 §4.2.2.1)',
  },
  CUSTOS_LINT_DER_ENCODING: {
    exit: 2,
    http: 422,
    summary: 'The certificate is not strict DER (RFC 5280 §4.1), so no other lint could read it. (X.690 §10)',
  },
  // The CLI against a server (--server, issue 13).
  CUSTOS_SERVER_UNAVAILABLE: {
    exit: 3,
    http: 502,
    summary:
      'The Custos server named by --server (CUSTOS_SERVER) cannot be reached or did not answer as one.',
  },
  CUSTOS_REMOTE_UNSUPPORTED: {
    exit: 2,
    http: 400,
    summary: 'This command works on the local store only; run it without --server (CUSTOS_SERVER).',
  },
  CUSTOS_UNAUTHENTICATED: {
    exit: 2,
    http: 401,
    summary:
      'The request carries no valid credential: no bearer token or session, or one that is unknown, expired or revoked.',
  },
  CUSTOS_FORBIDDEN: {
    exit: 2,
    http: 403,
    summary:
      "The credential is valid but does not hold the scope the request needs (or its owner's certificates).",
  },
  // Server TLS (issue 13): the server's own certificate.
  CUSTOS_SERVER_TLS_INVALID: {
    exit: 2,
    http: 500,
    summary: "The server's TLS certificate or key cannot be served: unreadable, expired, or not a pair.",
  },
  CUSTOS_MANAGED_EXISTS: {
    exit: 2,
    http: 409,
    summary: 'A managed certificate of that name already exists; adopt under another --name.',
  },
  CUSTOS_MANAGED_ADOPT_NO_DESTINATION: {
    exit: 2,
    http: 422,
    summary:
      'The certificate to adopt was not found in a file beside its private key, and no --destination was given.',
  },
  CUSTOS_CA_CANNOT_ROTATE: {
    exit: 2,
    http: 409,
    summary:
      'The certificate authority cannot be rotated: its newest generation does not sign yet, or Custos does not hold its root key.',
  },
  // Deleting declarative objects (issue 9).
  CUSTOS_OBJECT_IN_USE: {
    exit: 2,
    http: 409,
    summary:
      'An object to delete is still named by one that stays (an identity or rule by its owner, an exception or managed certificate by its identity, an owner assignment); nothing was deleted.',
  },
} satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * What the provisioner that vouched for the requester may ask for (step-ca's provisioner claims and policy:
 * `authority/provisioner/sign_options.go`, `policy/`): the names, the key types and the longest lifetime. A
 * provisioner without `limits`, or without one of them, sets no limit of that kind beyond the CA's own checks.
 *
 * Names are matched with the ownership globs (src/core/ownership/glob.ts): DNS names, IP addresses and the common
 * name as names (`*` within one label, so `*.corp.example` matches `api.corp.example` but not
 * `a.b.corp.example`; `**` across labels; case ignored), URIs as paths (`*` within one `/` segment:
 * `spiffe://corp.example/ns/*\/sa/*`). Every requested name must match one of the patterns.
 */
import { formatDuration } from '../../duration.js';
import { compileGlob, type Glob } from '../../ownership/glob.js';
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

interface CompiledNames {
  names: Glob[];
  uris: Glob[];
}

const compiled = new WeakMap<readonly string[], CompiledNames>();

function globsOf(patterns: readonly string[]): CompiledNames {
  let globs = compiled.get(patterns);
  if (globs === undefined) {
    globs = {
      names: patterns.map((p) => compileGlob(p, 'name')),
      uris: patterns.map((p) => compileGlob(p, 'path')),
    };
    compiled.set(patterns, globs);
  }
  return globs;
}

export const provisionerNamesAllowed: IssuanceCheck = (request) => {
  const patterns = request.provisioner.limits?.names;
  if (patterns === undefined) return undefined;
  const globs = globsOf(patterns);
  const names = [
    ...(request.commonName === null ? [] : [['commonName', request.commonName] as const]),
    ...request.dnsNames.map((n, i) => [`dnsNames[${i}]`, n] as const),
    ...request.ipAddresses.map((n, i) => [`ipAddresses[${i}]`, n] as const),
  ];
  for (const [field, name] of names) {
    // a common name that is one of the URIs is judged as that URI below
    if (field === 'commonName' && request.uris.includes(name)) continue;
    if (!globs.names.some((glob) => glob(name)))
      return refuseName(request.provisioner.name, field, name, patterns);
  }
  for (const [index, uri] of request.uris.entries()) {
    if (!globs.uris.some((glob) => glob(uri)))
      return refuseName(request.provisioner.name, `uris[${index}]`, uri, patterns);
  }
  return undefined;
};

function refuseName(provisioner: string, field: string, name: string, patterns: readonly string[]) {
  return {
    code: 'CUSTOS_PROVISIONER_NAME_NOT_ALLOWED',
    message:
      `${field} "${name}" is not allowed to provisioner "${provisioner}" ` +
      `(it may ask for: ${patterns.length === 0 ? 'no names' : patterns.join(', ')})`,
  } as const;
}

/**
 * The key's type is one of the provisioner's `keyTypes`, named as `ca init --key-type` names them: an RSA key
 * matches `rsa-N` only with a modulus of exactly N bits.
 */
export const provisionerKeyTypeAllowed: IssuanceCheck = (request) => {
  const allowed = request.provisioner.limits?.keyTypes;
  if (allowed === undefined) return undefined;
  const read = subjectKey(request.publicKeySpki);
  const keyType = read.ok ? read.key.keyType : 'unknown';
  if ((allowed as readonly string[]).includes(keyType)) return undefined;
  return {
    code: 'CUSTOS_PROVISIONER_KEY_NOT_ALLOWED',
    message:
      `key type ${keyType} is not allowed to provisioner "${request.provisioner.name}" ` +
      `(it may ask for: ${allowed.length === 0 ? 'none' : allowed.join(', ')})`,
  };
};

/** The requested lifetime (or the CA's default when the request names none) is within the provisioner's maximum. */
export const provisionerTtlAllowed: IssuanceCheck = (request, context) => {
  const max = request.provisioner.limits?.maxTtlMs;
  if (max === undefined) return undefined;
  const ttl = request.ttlMs ?? context.defaultTtlMs;
  if (ttl <= max) return undefined;
  return {
    code: 'CUSTOS_PROVISIONER_TTL_TOO_LONG',
    message:
      `${request.ttlMs === null ? "the CA's default lifetime" : 'the requested lifetime'} ${formatDuration(ttl)} is longer ` +
      `than provisioner "${request.provisioner.name}" allows (${formatDuration(max)})`,
  };
};

import { Environment, parse, type ParseResult } from '@marcbachmann/cel-js';
import {
  ASSUMED_LIST_SIZE,
  costBound,
  costliestNode,
  listSizeLimit,
  MAX_EVALUATION_COST,
} from './cel-cost.js';
import { unboundedMatch } from './cel-regex.js';

/**
 * The CEL environments policies are compiled in (the CEL spec through @marcbachmann/cel-js). Variables are
 * declared, so a policy that names an unknown variable or an unknown certificate field is refused when it is
 * applied, not when it first runs:
 * - `certificate`: exactly the fields of `inventory list --json`, times as CEL timestamps; keySize and spiffeId are
 *   null when unknown (`certificate.spiffeId == null`).
 * - `locations`: list of maps as in `inventory list --json` (`kind`, and `path`, `host`, `port`, `namespace`, ...).
 * - `owner`: null or a map {name}; `identity`: null or a map {name, kind, environment, spiffeId, labels, owner}.
 * - `now`: the evaluation time.
 * - issuance policies read `request` {names, key: {algorithm, size}, validity (a duration), requester, commonName,
 *   dnsNames, ipAddresses, uris, keyType, ttl (int seconds), identity (the name), claims (the provisioner's)},
 *   `owner`, `identity` and `now` (there is no certificate yet).
 */
export type PolicyType = 'compliance' | 'issuance';

/** The CEL value of `certificate`: a typed object, so `certificate.typo` is a compile error. */
export class CelCertificate {
  constructor(
    readonly fingerprintSha256: string,
    readonly serialNumber: string,
    readonly subject: string,
    readonly issuer: string,
    readonly subjectAltNames: string[],
    readonly notBefore: Date,
    readonly notAfter: Date,
    readonly keyAlgorithm: string,
    readonly keySize: bigint | null,
    readonly signatureAlgorithm: string,
    readonly isCA: boolean,
    readonly selfSigned: boolean,
    readonly spiffeId: string | null,
  ) {}
}

export class CelRequestKey {
  constructor(
    readonly algorithm: string,
    readonly size: bigint | null,
  ) {}
}

export class CelRequest {
  constructor(
    readonly names: string[],
    readonly key: CelRequestKey,
    /** A CEL duration (see celDuration). */
    readonly validity: unknown,
    readonly requester: string,
    /** The subject's common name, or null. */
    readonly commonName: string | null,
    readonly dnsNames: string[],
    readonly ipAddresses: string[],
    readonly uris: string[],
    /** As `ca init --key-type` names it: `ec-p256`, `rsa-2048`, `ed25519`, ... (`unknown` otherwise). */
    readonly keyType: string,
    /** The requested lifetime in whole seconds (an int). */
    readonly ttl: bigint,
    /** The name of the Identity the request is for, or null. */
    readonly identity: string | null,
    /** The claims of the provisioner's credential (JWT claims, ...); integers as CEL ints. */
    readonly claims: Readonly<Record<string, unknown>>,
  ) {}
}

const TIMESTAMP = 'google.protobuf.Timestamp';

function baseEnvironment(): Environment {
  return new Environment({ homogeneousAggregateLiterals: false })
    .registerVariable('owner', 'dyn')
    .registerVariable('identity', 'dyn')
    .registerVariable('now', TIMESTAMP);
}

const compliance = baseEnvironment()
  .registerType('custos.Certificate', {
    ctor: CelCertificate,
    fields: {
      fingerprintSha256: 'string',
      serialNumber: 'string',
      subject: 'string',
      issuer: 'string',
      subjectAltNames: 'list<string>',
      notBefore: TIMESTAMP,
      notAfter: TIMESTAMP,
      keyAlgorithm: 'string',
      keySize: 'dyn',
      signatureAlgorithm: 'string',
      isCA: 'bool',
      selfSigned: 'bool',
      spiffeId: 'dyn',
    },
  })
  .registerVariable('certificate', 'custos.Certificate')
  .registerVariable('locations', 'list<map<string, dyn>>');

const issuance = baseEnvironment()
  .registerType('custos.RequestKey', { ctor: CelRequestKey, fields: { algorithm: 'string', size: 'dyn' } })
  .registerType('custos.IssuanceRequest', {
    ctor: CelRequest,
    fields: {
      names: 'list<string>',
      key: 'custos.RequestKey',
      validity: 'google.protobuf.Duration',
      requester: 'string',
      commonName: 'dyn',
      dnsNames: 'list<string>',
      ipAddresses: 'list<string>',
      uris: 'list<string>',
      keyType: 'string',
      ttl: 'int',
      identity: 'dyn',
      claims: 'map<string, dyn>',
    },
  })
  .registerVariable('request', 'custos.IssuanceRequest');

const ENVIRONMENTS: Record<PolicyType, Environment> = { compliance, issuance };

/** A compiled validation: call it with an activation; it returns the CEL value or throws the CEL error. */
export type CelProgram = ParseResult;

export type CompileResult =
  | {
      ok: true;
      program: CelProgram;
      /** The longest input list the program may run over within the evaluation budget (cel-cost.ts). */
      listLimit: number;
    }
  | { ok: false; message: string; /** Offset in the expression where the problem is. */ offset: number };

interface CelErrorShape {
  summary?: string;
  message: string;
  range?: { start: number };
}

function celProblem(error: unknown): { message: string; offset: number } {
  const e = error as CelErrorShape;
  return { message: e.summary ?? e.message.split('\n')[0] ?? String(error), offset: e.range?.start ?? 0 };
}

/**
 * Parses and type-checks one validation expression; it must be a bool expression whose cost bound, with lists of
 * unknown size counted as ASSUMED_LIST_SIZE elements, is within MAX_EVALUATION_COST, and whose `matches` patterns
 * run in linear time (cel-regex.ts).
 */
export function compileExpression(expression: string, type: PolicyType): CompileResult {
  const environment = ENVIRONMENTS[type];
  let program: CelProgram;
  try {
    program = environment.parse(expression);
  } catch (error) {
    return { ok: false, ...celProblem(error) };
  }
  const checked = program.check();
  if (!checked.valid) return { ok: false, ...celProblem(checked.error) };
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return {
      ok: false,
      message: `a validation must be a bool expression, this one is ${checked.type}`,
      offset: 0,
    };
  }
  const cost = costBound(program.ast, ASSUMED_LIST_SIZE);
  if (cost > MAX_EVALUATION_COST) {
    return {
      ok: false,
      message:
        `the expression may take ${cost.toLocaleString('en-US')} evaluation steps, above the ` +
        `${MAX_EVALUATION_COST.toLocaleString('en-US')} allowed (a list of unknown size counts as ${ASSUMED_LIST_SIZE} ` +
        'elements); nest fewer comprehensions (all, exists, map, filter) or run them over shorter lists',
      offset: costliestNode(program.ast, ASSUMED_LIST_SIZE).start,
    };
  }
  const unbounded = unboundedMatch(program.ast);
  if (unbounded !== null) return { ok: false, ...unbounded };
  return { ok: true, program, listLimit: listSizeLimit(program.ast) };
}

const DURATION_OF = parse('duration(text)');

/** A CEL duration value (the library keeps its Duration class private, so CEL itself builds it). */
export function celDuration(milliseconds: number): unknown {
  return DURATION_OF({ text: `${Math.floor(milliseconds / 1000)}s` });
}

/** The first line of a CEL runtime error, for a finding's message. */
export function celErrorMessage(error: unknown): string {
  return celProblem(error).message;
}

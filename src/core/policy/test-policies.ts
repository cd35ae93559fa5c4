import { PkiFormatError } from '../../pki/problem.js';
import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';
import { checkPolicyExpressions } from '../declarative/check-policy-expressions.js';
import type { IdentityObject, PolicyObject } from '../declarative/objects.js';
import { manifestError, parseManifests } from '../declarative/parse-manifests.js';
import { DomainError } from '../errors.js';
import { readGovernance, withObjects } from '../ownership/governance.js';
import { ownerResolver } from '../ownership/resolve-owner.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { readContainer } from '../../pki/formats/read-container.js';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import { complianceActivation, issuanceActivation, keyTypeName } from './activation.js';
import { compilePolicies, evaluatePolicies, type PolicyDecision } from './evaluate-policies.js';

export interface TestPoliciesDeps {
  store: Store;
  clock: Clock;
}

export interface TestPoliciesInput {
  text: string;
  fileName: string;
  /** The certificate file's bytes (PEM or DER; the first certificate is judged). */
  certificate: Uint8Array;
  certificateName: string;
  /** Judge as this identity (declared in the file or stored) instead of the one the certificate links to. */
  identity?: string;
}

export interface PolicyTestResult {
  fingerprintSha256: string;
  subject: string;
  owner: string | null;
  identity: string | null;
  decisions: PolicyDecision[];
}

/**
 * `custos policy test FILE --certificate CERT`: evaluates the policies declared in FILE against one certificate,
 * storing nothing, and returns every decision with its reason. Owners, identities and rules come from the store
 * and the file together. Issuance policies judge the certificate as if it were requested: its names, key and
 * validity, requester `policy-test`.
 */
export async function testPolicies(
  deps: TestPoliciesDeps,
  input: TestPoliciesInput,
): Promise<PolicyTestResult> {
  const parsed = parseManifests(input.text, input.fileName, [checkPolicyExpressions]);
  if (!parsed.ok) throw manifestError(parsed.problems);
  const declared = parsed.manifests.map((m) => m.object);
  const policies = declared.filter((o): o is PolicyObject => o.kind === 'Policy');
  if (policies.length === 0) {
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `${input.fileName} declares no Policy`, {
      hint: 'give a file with at least one `kind: Policy` document',
    });
  }
  const contents = readContainer(input.certificate, { passwords: [] });
  const first = contents.certificates[0];
  const problem = contents.problems[0];
  if (first === undefined && problem !== undefined) {
    throw new DomainError(problem.code, `${input.certificateName}: ${problem.message}`);
  }
  if (first === undefined) {
    throw new DomainError('CUSTOS_FILE_UNRECOGNISED', `${input.certificateName} holds no certificate`, {
      hint: 'give a PEM or DER certificate file',
    });
  }
  let certificate: ParsedCertificate;
  try {
    certificate = parseCertificate(first.der);
  } catch (error) {
    if (!(error instanceof PkiFormatError)) throw error;
    throw new DomainError(error.code, `${input.certificateName}: ${error.message}`, { cause: error });
  }
  const objects = withObjects(await readGovernance(deps.store.objects), declared);
  let forced: IdentityObject | undefined;
  if (input.identity !== undefined) {
    forced = objects.identities.find((i) => i.metadata.name === input.identity);
    if (forced === undefined) {
      throw new DomainError(
        'CUSTOS_NOT_FOUND',
        `no Identity named "${input.identity}" in the file or the store`,
        {
          hint: 'list identities with `custos get identities`',
        },
      );
    }
  }
  const ownership = ownerResolver(objects)({ certificate, locations: [] });
  const identity = forced ?? ownership.identity;
  const byIdentity = ownership.source === null || ownership.source.kind === 'identity';
  const owner = forced && byIdentity ? forced.spec.owner : ownership.owner;
  const now = deps.clock.now();
  const compiled = compilePolicies(policies);
  const compliance = complianceActivation({ certificate, locations: [], owner, identity, now });
  const issuance = issuanceActivation({
    request: {
      names: [
        ...certificate.subjectAltNames.dns,
        ...certificate.subjectAltNames.ip,
        ...certificate.subjectAltNames.uri,
      ],
      key: { algorithm: certificate.keyAlgorithm, size: certificate.keySize },
      validityMs: certificate.notAfter.getTime() - certificate.notBefore.getTime(),
      requester: 'policy-test',
      commonName: certificate.commonName,
      dnsNames: certificate.subjectAltNames.dns,
      ipAddresses: certificate.subjectAltNames.ip,
      uris: certificate.subjectAltNames.uri,
      keyType: keyTypeName({
        algorithm: certificate.keyAlgorithm,
        size: certificate.keySize,
        curve: certificate.curve,
      }),
      identity: identity?.metadata.name ?? null,
      claims: {},
    },
    owner,
    identity,
    now,
  });
  const decisions = [
    ...evaluatePolicies(
      compiled.filter((p) => p.type === 'compliance'),
      compliance,
    ),
    ...evaluatePolicies(
      compiled.filter((p) => p.type === 'issuance'),
      issuance,
    ),
  ];
  return {
    fingerprintSha256: certificate.fingerprintSha256,
    subject: certificate.subject,
    owner,
    identity: identity?.metadata.name ?? null,
    decisions,
  };
}

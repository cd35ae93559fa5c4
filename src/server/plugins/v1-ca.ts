/**
 * The built-in CA over `/v1`: its CAs (as `custos ca list|show --json`), issuance from a CSR (as `custos cert issue
 * --csr`), revocation (as `custos cert revoke`) and one-time bootstrap tokens (as `custos token bootstrap`). The same
 * use cases and error codes as the CLI; the audit trail names the token (`api:tok_...`).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { writeCrlFile } from '../../compose/crl-file.js';
import type { Runtime } from '../../compose/runtime.js';
import { authorityView } from '../../core/ca/authority-view.js';
import { readCsrRequest } from '../../core/ca/csr-request.js';
import { issueForCaller, uniqueNames } from '../../core/ca/issue-for-caller.js';
import { parseLifetime } from '../../core/ca/lifetime.js';
import { createBootstrapToken } from '../../core/ca/provisioners/create-bootstrap-token.js';
import { parseRevocationReason, REASON_NAMES } from '../../core/ca/revocation-reasons.js';
import { revokeOrReplace, type RevocationOutcome } from '../../core/managed/revoke-or-replace.js';
import { findIssuedCertificate } from '../../core/ca/revoke-certificate.js';
import { parseDuration } from '../../core/duration.js';
import { DomainError } from '../../core/errors.js';
import { KEY_TYPES, type KeyType } from '../../core/ports/key-manager.js';
import { certificatesPem, pemBlock } from '../../pki/formats/pem-writer.js';
import {
  auditRefusals,
  hideFromBound,
  requireCertificateOwner,
  requireIdentityOwner,
} from '../auth/owner-scope.js';
import { actorOf, principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import type { Deny } from './auth.js';
import { AuthorityViewSchema, CaNameSchema, IssuedSchema, RevokedSchema } from './v1-ca-schemas.js';

export interface V1CaOptions {
  rt: Runtime;
  /** The auth plugin's refusal: owner-binding refusals are audited as its own are. */
  deny: Deny;
}

const CaName = Type.Object({ name: CaNameSchema });
const Fingerprint = Type.Object({
  fingerprint: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the DER, hex' }),
});
const Names = Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 100 }));

const IssueBody = Type.Object(
  {
    csr: Type.Optional(
      Type.String({ maxLength: 64 * 1024, description: 'The PKCS#10 request, PEM (or give generateKey)' }),
    ),
    generateKey: Type.Optional(
      Type.Unsafe<KeyType>({
        type: 'string',
        enum: [...KEY_TYPES],
        description: 'Make the key here instead of taking a CSR: answered once as privateKey, never stored',
      }),
    ),
    ca: Type.Optional(Type.String({ description: 'The CA that signs (default: default)' })),
    ttl: Type.Optional(Type.String({ description: "The lifetime, e.g. 24h (default: the CA's)" })),
    identity: Type.Optional(
      Type.String({ description: 'The identity it is issued for (its owner follows)' }),
    ),
    commonName: Type.Optional(Type.String({ maxLength: 1024 })),
    dnsNames: Names,
    ipAddresses: Names,
    uris: Names,
    token: Type.Optional(
      Type.String({ description: 'A bootstrap token: the request is authorized by its provisioner instead' }),
    ),
  },
  { additionalProperties: false },
);

const RevokeBody = Type.Object(
  {
    reason: Type.String({ description: `One of ${Object.keys(REASON_NAMES).join(', ')}` }),
    ca: Type.Optional(Type.String()),
    now: Type.Optional(
      Type.Boolean({
        description:
          'keyCompromise of a deployed managed revision: revoke at once instead of after its replacement is live',
      }),
    ),
  },
  { additionalProperties: false },
);

const BootstrapBody = Type.Object(
  {
    identity: Type.String({ description: 'The identity the certificate is for' }),
    ttl: Type.String({ description: 'How long the token can be redeemed: 15m, 1h, 7d (at most 30d)' }),
    provisioner: Type.Optional(
      Type.String({ description: 'A provisioner of type bootstrap (default bootstrap)' }),
    ),
  },
  { additionalProperties: false },
);

const BootstrapToken = Type.Object({
  token: Type.String({ description: 'Shown once, never again' }),
  id: Type.String(),
  provisioner: Type.String(),
  identity: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});

const caNotFound = (name: string) =>
  new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${name}".`, {
    hint: '`GET /v1/cas` lists them',
  });

export const v1CaPlugin: FastifyPluginAsyncTypebox<V1CaOptions> = async (app, { rt, deny }) => {
  auditRefusals(app, deny);
  const crlValidityMs = parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity');

  app.get(
    '/cas',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['ca'],
        summary: 'The certificate authorities (as `custos ca list --json`)',
        response: { 200: Type.Array(AuthorityViewSchema) },
      },
    },
    async () => (await rt.store.authorities.list()).map(authorityView),
  );

  app.get(
    '/cas/:name',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['ca'],
        summary: 'One certificate authority with its chain (as `custos ca show NAME --json`)',
        params: CaName,
        response: { 200: AuthorityViewSchema, 404: problemResponse('No such CA (CUSTOS_CA_NOT_FOUND)') },
      },
    },
    async (request) => {
      const authority = await rt.store.authorities.get(request.params.name);
      if (authority === null) throw caNotFound(request.params.name);
      return authorityView(authority);
    },
  );

  app.post(
    '/certificates/issue',
    {
      config: { scope: 'issue' },
      schema: {
        tags: ['ca'],
        summary: 'Issue a certificate for a CSR or a key made here (as `custos cert issue`)',
        description:
          "The request passes the issuance checks (CSR signature first) and every lint; the certificate enters the inventory linked to `identity`. The names are the fields' when any is given, else the CSR's. A token bound to an owner must name an identity of that owner.",
        body: IssueBody,
        response: {
          201: IssuedSchema,
          401: problemResponse('A bootstrap token that is unknown, used or expired (CUSTOS_TOKEN_INVALID)'),
          403: problemResponse('Refused by a policy, a provisioner limit or the owner binding'),
          404: problemResponse('No such CA (CUSTOS_CA_NOT_FOUND)'),
          422: problemResponse('The CSR or a name is malformed, or a lint failed'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const identity = body.identity ?? null;
      if (body.token === undefined) await requireIdentityOwner(principal, rt.store.objects, identity);
      if ((body.csr === undefined) === (body.generateKey === undefined))
        throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'Give exactly one of csr and generateKey.');
      const fromCsr = body.csr === undefined ? null : readCsrRequest(new TextEncoder().encode(body.csr));
      const generated = body.generateKey === undefined ? null : await rt.generateKeyPair(body.generateKey);
      const actor = actorOf(principal);
      const { certificate, chain } = await issueForCaller(
        { ...rt, actor, baseUrl: rt.config.server.baseUrl },
        {
          authority: body.ca ?? 'default',
          fromCsr,
          ...(generated === null ? {} : { generatedSpki: generated.publicKeySpki }),
          names: {
            commonName: body.commonName ?? null,
            dnsNames: uniqueNames(body.dnsNames),
            ipAddresses: uniqueNames(body.ipAddresses),
            uris: uniqueNames(body.uris),
          },
          ttlMs: body.ttl === undefined ? null : parseLifetime(body.ttl, 'ttl'),
          identity,
          credential:
            body.token === undefined
              ? { kind: 'api', principal: actor, owner: principal.owner }
              : { kind: 'bootstrap-token', token: body.token },
        },
      );
      const intermediates = chain.slice(0, -1);
      return reply.code(201).send({
        fingerprintSha256: certificate.fingerprintSha256,
        serialNumber: certificate.serialNumber,
        notBefore: certificate.notBefore.toISOString(),
        notAfter: certificate.notAfter.toISOString(),
        ca: certificate.authority,
        identity: certificate.identity,
        certificate: pemBlock('CERTIFICATE', certificate.der),
        chain: certificatesPem(intermediates),
        fullchain: certificatesPem([certificate.der, ...intermediates]),
        ...(generated === null ? {} : { privateKey: generated.privateKeyPem }),
      });
    },
  );

  /** Both revocation routes: the owner check on the certificate the text names, then `cert revoke`'s use case. */
  const revoke = async (
    request: FastifyRequest,
    certificate: string,
    body: Static<typeof RevokeBody>,
  ): Promise<RevocationOutcome> => {
    const principal = principalOf(request);
    const reason = parseRevocationReason(body.reason, 'reason');
    const authority = body.ca === undefined ? {} : { authority: body.ca };
    // A token bound to an owner learns nothing of certificates that are not its owner's: every lookup failure
    // (none issued, a serial two CAs issued, an unknown CA) is the same refusal as another owner's certificate.
    const issued = await findIssuedCertificate(rt, { certificate, ...authority }).catch((error: unknown) => {
      throw hideFromBound(principal, error, certificate);
    });
    await requireCertificateOwner(principal, rt.store.evaluations, issued.fingerprintSha256);
    const { outcome, crl } = await revokeOrReplace(
      { ...rt, actor: actorOf(principal) },
      { certificate: issued.fingerprintSha256, reason, ...authority, crlValidityMs, now: body.now === true },
    );
    if (crl !== null) await writeCrlFile(rt, crl);
    return outcome;
  };

  app.post(
    '/certificates/:fingerprint/revoke',
    {
      config: { scope: 'issue' },
      schema: {
        tags: ['ca'],
        summary: 'Revoke a certificate the built-in CA issued (as `custos cert revoke`)',
        description:
          "Audited as certificate.revoked; the CA's CRL is published in the same transaction and OCSP answers revoked. Revoking it again changes nothing (`revoked: false`).",
        params: Fingerprint,
        body: RevokeBody,
        response: {
          200: RevokedSchema,
          403: problemResponse("Not the bound owner's certificate (CUSTOS_FORBIDDEN)"),
          404: problemResponse('Not issued by the built-in CA (CUSTOS_ISSUED_NOT_FOUND)'),
        },
      },
    },
    (request) => revoke(request, request.params.fingerprint.toLowerCase(), request.body),
  );

  app.post(
    '/revocations',
    {
      config: { scope: 'issue' },
      schema: {
        tags: ['ca'],
        summary:
          'Revoke a certificate the built-in CA issued, by serial or fingerprint (as `custos cert revoke`)',
        description:
          'The same as POST /v1/certificates/{fingerprint}/revoke, for a certificate named by its serial number (hex, colons allowed; `ca` tells apart two CAs that issued the same serial) or its fingerprint.',
        body: Type.Object(
          {
            certificate: Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'The serial number (hex) or the SHA-256 fingerprint',
            }),
            ...RevokeBody.properties,
          },
          { additionalProperties: false },
        ),
        response: {
          200: RevokedSchema,
          400: problemResponse(
            'Not a serial number or fingerprint, or a serial two CAs issued without ca (CUSTOS_INVALID_ARGUMENT)',
          ),
          403: problemResponse("Not the bound owner's certificate (CUSTOS_FORBIDDEN)"),
          404: problemResponse('Not issued by the built-in CA (CUSTOS_ISSUED_NOT_FOUND)'),
        },
      },
    },
    (request) => {
      const { certificate, ...body } = request.body;
      return revoke(request, certificate, body);
    },
  );

  app.post(
    '/bootstrap-tokens',
    {
      config: { scope: 'issue' },
      schema: {
        tags: ['ca'],
        summary: 'Make a one-time bootstrap token (as `custos token bootstrap`)',
        description:
          'Its holder may ask the built-in CA once for a certificate of `identity` until `ttl` runs out. The token is in this answer only; Custos keeps its SHA-256.',
        body: BootstrapBody,
        response: {
          201: BootstrapToken,
          403: problemResponse('Not an identity of the bound owner (CUSTOS_FORBIDDEN)'),
          422: problemResponse('A bad identity or ttl (CUSTOS_INVALID_ARGUMENT)'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await requireIdentityOwner(principal, rt.store.objects, request.body.identity);
      const created = await createBootstrapToken(
        { ...rt, actor: actorOf(principal) },
        {
          identity: request.body.identity,
          ttlMs: parseDuration(request.body.ttl, 'ttl'),
          ...(request.body.provisioner === undefined ? {} : { provisioner: request.body.provisioner }),
        },
      );
      return reply.code(201).send({
        token: created.token,
        id: created.id,
        provisioner: created.provisioner,
        identity: created.identity,
        expiresAt: created.expiresAt.toISOString(),
      });
    },
  );
};

/**
 * The built-in CA's own lifecycle over `/v1`, as the `custos ca` commands: the trust bundle (`ca bundle`, read), the
 * next CRL (`ca crl`, issue), and creating, importing and rotating CAs (`ca init|import|rotate`, admin). The same
 * use cases and error codes as the CLI, audited with the token as actor. A CA serves every owner, so an owner-bound
 * principal may change none (403).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { publishCrlFile } from '../../compose/crl-file.js';
import type { Runtime } from '../../compose/runtime.js';
import { authorityView, trustBundleOf } from '../../core/ca/authority-view.js';
import { importAuthority } from '../../core/ca/import-authority.js';
import { initAuthority } from '../../core/ca/init-authority.js';
import { parseLifetime } from '../../core/ca/lifetime.js';
import { rotateReport } from '../../core/ca/rotate-report.js';
import { subjectText } from '../../core/ca/subject-text.js';
import { parseDuration } from '../../core/duration.js';
import { pemCertificates } from '../../core/pem-certificates.js';
import { KEY_TYPES, type KeyType } from '../../core/ports/key-manager.js';
import { certificatesPem, pemBlock } from '../../pki/formats/pem-writer.js';
import { auditRefusals, requireUnbound } from '../auth/owner-scope.js';
import { actorOf, principalOf } from '../auth/principal.js';
import { problemResponse } from '../problem.js';
import type { Deny } from './auth.js';
import {
  AuthorityViewSchema,
  CaNameSchema,
  PublishedCrlSchema,
  RotateReportSchema,
} from './v1-ca-schemas.js';

export interface V1CaAdminOptions {
  rt: Runtime;
  deny: Deny;
}

const PEM = 'application/x-pem-file';
const CaName = Type.Object({ name: CaNameSchema });
const notFound = problemResponse('No such CA (CUSTOS_CA_NOT_FOUND)');
const bound = problemResponse('An owner-bound credential: a CA serves every owner (CUSTOS_FORBIDDEN)');

const InitBody = Type.Object(
  {
    name: Type.String({ default: 'default', description: 'Lower-case letters, digits, dashes' }),
    keyType: Type.Unsafe<KeyType>({ type: 'string', enum: [...KEY_TYPES], default: 'ec-p256' }),
    rootTtl: Type.String({ default: '10y', description: 'The root certificate lifetime' }),
    intermediateTtl: Type.String({ default: '5y', description: 'The issuing certificate lifetime' }),
    subject: Type.Optional(Type.String({ description: 'The issuing CA subject, "CN=..., O=..."' })),
    rootSubject: Type.Optional(Type.String({ description: 'The root subject' })),
    intermediateCsr: Type.Optional(
      Type.Boolean({ description: 'Only the issuing key and its CSR, for an external root (pending)' }),
    ),
  },
  { additionalProperties: false },
);

export const v1CaAdminPlugin: FastifyPluginAsyncTypebox<V1CaAdminOptions> = async (app, { rt, deny }) => {
  auditRefusals(app, deny);
  const as = (request: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(request);
    requireUnbound(principal, 'change a certificate authority');
    return { ...rt, actor: actorOf(principal) };
  };

  app.get(
    '/trust-bundle',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['ca'],
        summary: 'The trust bundle, PEM (as `custos ca bundle`)',
        description:
          'Every root and intermediate of the CAs that are active, next or retiring; with ca, only its generations.',
        querystring: Type.Object({ ca: Type.Optional(Type.String({ maxLength: 253 })) }),
        produces: [PEM],
        response: {
          200: { description: 'PEM certificates', content: { [PEM]: { schema: { type: 'string' } } } },
          404: notFound,
        },
      },
    },
    async (request, reply) => {
      const bundle = trustBundleOf(await rt.store.authorities.list(), request.query.ca);
      return reply.type(PEM).send(certificatesPem(bundle));
    },
  );

  app.post(
    '/cas/:name/crl',
    {
      config: { scope: 'issue' },
      schema: {
        tags: ['ca'],
        summary: "Publish a CA's next CRL now (as `custos ca crl --json`, with the CRL as PEM)",
        description:
          "The next CRL number, thisUpdate now, nextUpdate after ca.crlValidity; written to the server's <data-dir>/crl/<ca>.crl and served at /crl/<ca>.crl. Audited crl.published.",
        params: CaName,
        response: {
          200: PublishedCrlSchema,
          403: bound,
          404: notFound,
          409: problemResponse('A pending CA (CUSTOS_CA_NOT_ACTIVE)'),
        },
      },
    },
    async (request) => {
      const { summary, der } = await publishCrlFile(as(request), request.params.name);
      return { ...summary, pem: pemBlock('X509 CRL', der) };
    },
  );

  app.post(
    '/cas',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['ca'],
        summary: 'Create a certificate authority (as `custos ca init --json`): 201',
        description:
          "A self-signed root and the issuing intermediate it signs, keys sealed by the server's key-encryption key; with intermediateCsr, a pending CA with its CSR (csrPem). Keys in a PKCS#11 token are made with `custos ca init` on the server host only.",
        body: InitBody,
        response: {
          201: AuthorityViewSchema,
          403: bound,
          409: problemResponse('A CA of that name exists (CUSTOS_CA_EXISTS)'),
          422: problemResponse('A bad name, lifetime or subject (CUSTOS_INVALID_ARGUMENT)'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const subject = subjectText(body.subject, 'subject');
      const rootSubject = subjectText(body.rootSubject, 'rootSubject');
      const { authority } = await initAuthority(as(request), {
        name: body.name,
        keyType: body.keyType,
        where: { backend: 'software' },
        rootTtlMs: parseLifetime(body.rootTtl, 'rootTtl'),
        intermediateTtlMs: parseLifetime(body.intermediateTtl, 'intermediateTtl'),
        intermediateCsr: body.intermediateCsr === true,
        ...(subject === undefined ? {} : { subject }),
        ...(rootSubject === undefined ? {} : { rootSubject }),
      });
      return reply.code(201).send(authorityView(authority));
    },
  );

  app.post(
    '/cas/:name/import',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['ca'],
        summary:
          'Take back the certificate an external root signed for a pending CA (as `custos ca import --json`)',
        params: CaName,
        body: Type.Object(
          {
            certificate: Type.String({ maxLength: 64 * 1024, description: 'The signed CA certificate, PEM' }),
            chain: Type.Optional(
              Type.String({
                maxLength: 256 * 1024,
                description: 'The certificates above it up to the root, PEM',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: AuthorityViewSchema,
          403: bound,
          404: notFound,
          409: problemResponse('Not a pending CA (CUSTOS_CA_NOT_PENDING)'),
          422: problemResponse('Not the certificate of the pending key, or no chain to a root'),
        },
      },
    },
    async (request) => {
      const [certificate] = pemCertificates(request.body.certificate, 'certificate');
      const chain = request.body.chain === undefined ? [] : pemCertificates(request.body.chain, 'chain');
      const authority = await importAuthority(as(request), {
        name: request.params.name,
        certificate: certificate!,
        chain,
      });
      return authorityView(authority);
    },
  );

  app.post(
    '/cas/:name/rotate',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['ca'],
        summary: 'Roll a CA over without an outage (as `custos ca rotate --json`)',
        description:
          'Writes the rollover status changes due, then (unless status) makes the next generation NAME--rN, which signs after the overlap.',
        params: CaName,
        body: Type.Object(
          {
            overlap: Type.Optional(Type.String({ description: 'How long the new CA waits before it signs' })),
            status: Type.Optional(
              Type.Boolean({ description: 'Rotate nothing: only write the status changes due' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: RotateReportSchema,
          403: bound,
          404: notFound,
          409: problemResponse('The newest generation is not active (CUSTOS_CA_CANNOT_ROTATE)'),
        },
      },
    },
    async (request) => {
      const { overlap, status } = request.body;
      return rotateReport(as(request), {
        name: request.params.name,
        statusOnly: status === true,
        ...(overlap === undefined ? {} : { overlapMs: parseDuration(overlap, 'overlap') }),
      });
    },
  );
};

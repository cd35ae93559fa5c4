/**
 * The revocation endpoints of the built-in CA, at the URLs its certificates carry (AIA, CRL distribution point):
 * `GET /crl/NAME.crl` (the CA's latest CRL, DER), `GET /ca/NAME.crt` (its issuing certificate, DER), and the OCSP
 * responder (RFC 6960 Appendix A) at `POST /ocsp` and `GET /ocsp/{base64 of the DER request}`.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Runtime } from '../../compose/runtime.js';
import type { OcspAnswer, OcspResponder } from '../../core/ca/ocsp-responder.js';
import { DomainError } from '../../core/errors.js';
import { problemResponse } from '../problem.js';

export interface RevocationOptions {
  rt: Pick<Runtime, 'store' | 'clock'>;
  ocsp: OcspResponder;
}

const OCSP_REQUEST = 'application/ocsp-request';
const OCSP_RESPONSE = 'application/ocsp-response';
/** An OCSP request names a few CertIDs: far below this. */
const MAX_OCSP_REQUEST = 16 * 1024;

const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: { type: 'string', format: 'binary' } } },
});

const CaName = Type.Object({ name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }) });

async function authorityOf(rt: RevocationOptions['rt'], name: string) {
  const authority = await rt.store.authorities.get(name);
  if (authority === null || authority.certificate === null)
    throw new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority named "${name}".`, {
      hint: '`custos ca list` shows them',
    });
  return { ...authority, certificate: authority.certificate };
}

/** Decodes the GET form: the path segment is the URL-encoded base64 (or base64url) of the DER request. */
function decodeGetRequest(encoded: string): Uint8Array | null {
  let text = encoded;
  try {
    if (text.includes('%')) text = decodeURIComponent(text);
  } catch {
    return null;
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

export const revocationPlugin: FastifyPluginAsyncTypebox<RevocationOptions> = async (app, { rt, ocsp }) => {
  app.addContentTypeParser(
    OCSP_REQUEST,
    { parseAs: 'buffer', bodyLimit: MAX_OCSP_REQUEST },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/crl/:name.crl',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['revocation'],
        summary: "The CA's latest CRL (RFC 5280), DER",
        params: CaName,
        response: {
          200: binary('application/pkix-crl', 'The CRL, DER'),
          404: problemResponse(
            'No such CA (CUSTOS_CA_NOT_FOUND), or it has published no CRL yet (CUSTOS_NOT_FOUND)',
          ),
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      await authorityOf(rt, name);
      const crl = await rt.store.authorities.latestCrl(name);
      if (crl === null)
        throw new DomainError('CUSTOS_NOT_FOUND', `The CA "${name}" has published no CRL yet.`, {
          hint: '`custos ca crl` publishes one',
        });
      const maxAge = Math.max(0, Math.floor((crl.nextUpdate.getTime() - rt.clock.now().getTime()) / 1000));
      return reply
        .type('application/pkix-crl')
        .header('cache-control', `public, max-age=${Math.min(maxAge, 3600)}`)
        .header('last-modified', crl.thisUpdate.toUTCString())
        .send(Buffer.from(crl.der));
    },
  );

  app.get(
    '/ca/:name.crt',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['revocation'],
        summary: "The CA's issuing certificate, DER (the AIA caIssuers URL)",
        params: CaName,
        response: {
          200: binary('application/pkix-cert', 'The certificate, DER'),
          404: problemResponse('No such CA (CUSTOS_CA_NOT_FOUND)'),
        },
      },
    },
    async (request, reply) => {
      const authority = await authorityOf(rt, request.params.name);
      return reply
        .type('application/pkix-cert')
        .header('cache-control', 'public, max-age=3600')
        .send(Buffer.from(authority.certificate));
    },
  );

  const sendOcsp = (reply: FastifyReply, answer: OcspAnswer, get: boolean): FastifyReply => {
    if (answer.error !== undefined)
      reply.log.error({ err: answer.error, authority: answer.authority }, 'OCSP: could not answer');
    else if (answer.status !== 'successful') reply.log.info({ ocspStatus: answer.status }, 'OCSP: refused');
    reply.type(OCSP_RESPONSE);
    if (get && answer.cache !== undefined) {
      // RFC 5019 §6.2: a cacheable GET answer carries its lifetime for HTTP caches in front of the responder.
      const maxAge = Math.max(
        0,
        Math.floor((answer.cache.nextUpdate.getTime() - rt.clock.now().getTime()) / 1000),
      );
      reply
        .header('cache-control', `max-age=${maxAge}, public, no-transform, must-revalidate`)
        .header('last-modified', answer.cache.thisUpdate.toUTCString())
        .header('expires', answer.cache.nextUpdate.toUTCString());
    } else reply.header('cache-control', 'no-store');
    return reply.send(Buffer.from(answer.der));
  };

  const ocspResponse = binary(
    OCSP_RESPONSE,
    'An OCSPResponse: successful (good, revoked, unknown), or malformedRequest / unauthorized / internalError',
  );

  app.post(
    '/ocsp',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['revocation'],
        summary: 'OCSP (RFC 6960), POST: the DER OCSPRequest as the body',
        consumes: [OCSP_REQUEST],
        response: { 200: ocspResponse },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const der = Buffer.isBuffer(body) ? new Uint8Array(body) : new Uint8Array();
      return sendOcsp(reply, await ocsp.respond(der), false);
    },
  );

  app.get(
    '/ocsp/*',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['revocation'],
        summary:
          'OCSP (RFC 6960 Appendix A.1), GET: the URL-encoded base64 (or base64url) of the DER OCSPRequest',
        params: Type.Object({ '*': Type.String() }),
        response: { 200: ocspResponse },
      },
    },
    async (request, reply) => {
      const der = decodeGetRequest(request.params['*']);
      return sendOcsp(reply, await ocsp.respond(der ?? new Uint8Array()), true);
    },
  );
};

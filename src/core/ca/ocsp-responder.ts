/**
 * The OCSP responder of the built-in CA (RFC 6960): reads a request, finds the CA by the CertID's issuerNameHash and
 * issuerKeyHash among the CAs in the store, answers good, revoked (time and reason) or unknown from the issued
 * records, signed by that CA's key through the KeyManager, or, given `delegated`, by the CA's delegated responder
 * (ocsp-signer.ts), whose certificate and the CA's travel in the response's `certs` (RFC 6960 §4.2.2.2).
 *
 * Responses without a nonce are cached per (CA, hash algorithm, serial) with thisUpdate/nextUpdate, so the responder
 * does not sign per request. A cached response is served only while it still says what the store says: every
 * request reads the certificate's revocation state (one indexed read) and compares it with the cached answer. That
 * keeps a revocation made anywhere — `custos cert revoke` in another process, another server on the same
 * PostgreSQL — visible at once, without a shared invalidation channel; a CA revision counter would have needed the
 * same read. A response is re-signed when half its validity has passed (on the request that finds it so, or earlier
 * by `refresh()`, which the server's background work runs), so it never goes stale. A request with a nonce gets a
 * fresh response echoing it (RFC 8954). Malformed requests are `malformedRequest`, an issuer that is not one of our
 * CAs `unauthorized`, a failure to sign `internalError` (RFC 6960 §2.3).
 */
import {
  certIdFor,
  generateOcspResponse,
  isCertIdHash,
  ocspErrorResponse,
  type CertStatusInput,
} from '../../pki/x509/generate/ocsp-response.js';
import {
  readOcspRequest,
  type CertId,
  type OcspRequestContent,
} from '../../pki/x509/generate/ocsp-request.js';
import { issuerIdentity, type IssuerIdentity } from '../../pki/x509/generate/issuer-identity.js';
import type { AuthorityReader, CertificateAuthority } from '../ports/authority-store.js';
import type { Clock } from '../ports/clock.js';
import type { KeyManager } from '../ports/key-manager.js';
import type { OcspSigners, ResponderSigner } from './ocsp-signer.js';
import { serialText } from './serial-number.js';

export interface OcspResponderDeps {
  authorities: AuthorityReader;
  keys: KeyManager;
  clock: Clock;
  /** Sign with each CA's delegated responder instead of the CA's key (`ca.ocspSigner: delegated`). */
  delegated?: OcspSigners;
}

export interface OcspResponderOptions {
  /** nextUpdate - thisUpdate of a response (default 1 hour). */
  validityMs?: number;
  /** Cached responses kept at most (default 100,000); the least recently asked goes first. */
  maxEntries?: number;
  /** How long the list of CAs is trusted before an unknown issuer makes it read again (default 5 s). */
  authorityRecheckMs?: number;
}

/** What the HTTP edge sends: the DER and, for a cacheable answer, the times an HTTP cache may keep it. */
export interface OcspAnswer {
  der: Uint8Array;
  /** `successful` or the RFC 6960 error status sent. */
  status: 'successful' | 'malformedRequest' | 'unauthorized' | 'internalError';
  /** Set when the response holds no nonce and may be cached until nextUpdate (RFC 5019 §6). */
  cache?: { thisUpdate: Date; nextUpdate: Date };
  /** The CA that answered. */
  authority?: string;
  /** Why an internalError was sent, for the log (never sent). */
  error?: unknown;
}

export interface OcspResponder {
  respond(request: Uint8Array): Promise<OcspAnswer>;
  /**
   * Renews the delegated responders past 2/3 of their lifetime (of the CAs asked about), then re-signs cached
   * responses past half their validity that were asked for within the last validity; drops others.
   */
  refresh(): Promise<{ resigned: number; dropped: number }>;
  /** Cached responses held now. */
  readonly size: number;
}

interface KnownAuthority {
  authority: CertificateAuthority;
  issuer: IssuerIdentity;
  /** Whether a CertID's issuer hashes name it, per hash algorithm, hex (hashed once per algorithm, not per request). */
  hashes: Map<string, string | null>;
}

/** Whether a CertID names this CA (RFC 6960 §4.1.1), its issuer hashes computed once per hash algorithm. */
function names(k: KnownAuthority, certId: CertId): boolean {
  let expected = k.hashes.get(certId.hashAlgorithm);
  if (expected === undefined) {
    expected = isCertIdHash(certId.hashAlgorithm)
      ? issuerHashes(certIdFor(k.issuer, ONE, certId.hashAlgorithm))
      : null;
    k.hashes.set(certId.hashAlgorithm, expected);
  }
  return expected !== null && expected === issuerHashes(certId);
}

const ONE = new Uint8Array([1]);
const issuerHashes = (certId: CertId): string =>
  `${Buffer.from(certId.issuerNameHash).toString('hex')}/${Buffer.from(certId.issuerKeyHash).toString('hex')}`;

/** Nonce-less requests read, by their DER (base64), at most this many: the same clients ask the same again. */
const MAX_READ_REQUESTS = 10_000;

interface Entry {
  authority: KnownAuthority;
  certId: CertId;
  /** The answer as the store said it when signed: `good`, `unknown`, `revoked:<ms>:<reason>`. */
  state: string;
  der: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  lastAskedMs: number;
}

const DEFAULT_VALIDITY_MS = 60 * 60_000;

const stateOf = (status: CertStatusInput): string =>
  status.status === 'revoked'
    ? `revoked:${status.revocationTime.getTime()}:${status.reason ?? ''}`
    : status.status;

export function createOcspResponder(
  deps: OcspResponderDeps,
  options: OcspResponderOptions = {},
): OcspResponder {
  const validityMs = options.validityMs ?? DEFAULT_VALIDITY_MS;
  const maxEntries = options.maxEntries ?? 100_000;
  const recheckMs = options.authorityRecheckMs ?? 5_000;
  const cache = new Map<string, Entry>();
  const readRequests = new Map<string, OcspRequestContent>();

  /**
   * A request as read, remembered by its DER when it carries no nonce: reading one through the ASN.1 schemas was most
   * of a cached answer's cost (bench/ocsp, load 20-25: 237 µs of CPU per cached answer before this, the issuer
   * hashes and the whole issued row; 34 µs after).
   */
  const read = (der: Uint8Array): OcspRequestContent => {
    const key = Buffer.from(der).toString('base64');
    let request = readRequests.get(key);
    if (request === undefined) {
      request = readOcspRequest(der);
      if (request.nonce === undefined) {
        if (readRequests.size >= MAX_READ_REQUESTS) readRequests.clear();
        readRequests.set(key, request);
      }
    }
    return request;
  };
  const signing = new Map<string, Promise<Entry>>();
  const signers = new Map<string, Promise<ResponderSigner>>();
  let known: { at: number; list: KnownAuthority[] } | undefined;

  const loadAuthorities = async (): Promise<KnownAuthority[]> => {
    const list = (await deps.authorities.list()).flatMap((authority) =>
      authority.certificate === null
        ? []
        : [{ authority, issuer: issuerIdentity(authority.certificate), hashes: new Map() }],
    );
    known = { at: deps.clock.now().getTime(), list };
    return list;
  };

  /** The CA a CertID names, reading the CAs again when none matches and the list is older than recheckMs. */
  const authorityFor = async (certId: CertId): Promise<KnownAuthority | undefined> => {
    const match = (list: KnownAuthority[]) => list.find((k) => names(k, certId));
    const found = known === undefined ? undefined : match(known.list);
    if (found !== undefined) return found;
    if (known !== undefined && deps.clock.now().getTime() - known.at < recheckMs) return undefined;
    return match(await loadAuthorities());
  };

  const signerOf = (k: KnownAuthority): Promise<ResponderSigner> => {
    if (deps.delegated !== undefined) return deps.delegated.signerFor(k.authority);
    const key = `${k.authority.name}\u0000${JSON.stringify(k.authority.key)}`;
    let signer = signers.get(key);
    if (signer === undefined) {
      signer = deps.keys.signer(k.authority.key).then((own) => ({
        signer: own,
        certificates: [],
      }));
      signer.catch(() => signers.delete(key));
      signers.set(key, signer);
    }
    return signer;
  };

  const statusOf = async (k: KnownAuthority, certId: CertId): Promise<CertStatusInput> => {
    const issued = await deps.authorities.revocationOf(k.authority.name, serialText(certId.serialNumber));
    if (issued === null) return { status: 'unknown' };
    if (issued.revocation === null) return { status: 'good' };
    return {
      status: 'revoked',
      revocationTime: issued.revocation.revokedAt,
      reason: issued.revocation.reason,
    };
  };

  const sign = async (
    k: KnownAuthority,
    asked: { certId: CertId; status: CertStatusInput }[],
    request: OcspRequestContent,
  ): Promise<{ der: Uint8Array; thisUpdate: Date; nextUpdate: Date }> => {
    const thisUpdate = deps.clock.now();
    const nextUpdate = new Date(thisUpdate.getTime() + validityMs);
    const { signer, certificates } = await signerOf(k);
    const der = await generateOcspResponse(
      {
        producedAt: thisUpdate,
        responses: asked.map(({ certId, status }) => ({
          certId,
          certStatus: status,
          thisUpdate,
          nextUpdate,
        })),
        ...(request.nonce ? { extensions: [request.nonce] } : {}),
        certificates,
      },
      signer,
    );
    return { der, thisUpdate, nextUpdate };
  };

  const cacheKey = (k: KnownAuthority, certId: CertId): string =>
    `${k.authority.name}|${certId.hashAlgorithm}|${serialText(certId.serialNumber)}`;

  const remember = (key: string, entry: Entry): void => {
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };

  /** The cached response for one CertID, re-signed when the state changed or half its validity has passed. */
  const cached = async (k: KnownAuthority, certId: CertId, request: OcspRequestContent): Promise<Entry> => {
    const key = cacheKey(k, certId);
    const status = await statusOf(k, certId);
    const state = stateOf(status);
    const nowMs = deps.clock.now().getTime();
    const entry = cache.get(key);
    if (entry !== undefined && entry.state === state && nowMs < entry.thisUpdate.getTime() + validityMs / 2) {
      entry.lastAskedMs = nowMs;
      remember(key, entry);
      return entry;
    }
    const inFlight = signing.get(key);
    if (inFlight !== undefined) {
      const signed = await inFlight;
      if (signed.state === state) return signed;
    }
    const work = sign(k, [{ certId, status }], request).then((signed) => {
      const fresh: Entry = { authority: k, certId, state, ...signed, lastAskedMs: nowMs };
      remember(key, fresh);
      return fresh;
    });
    signing.set(key, work);
    try {
      return await work;
    } finally {
      if (signing.get(key) === work) signing.delete(key);
    }
  };

  return {
    get size() {
      return cache.size;
    },

    async respond(der) {
      let request: OcspRequestContent;
      try {
        request = read(der);
      } catch {
        return { der: ocspErrorResponse('malformedRequest'), status: 'malformedRequest' };
      }
      // One signer answers for every CertID: all must name the same CA of ours.
      const authorities = await Promise.all(request.certIds.map(authorityFor));
      const k = authorities[0];
      if (k === undefined || authorities.some((a) => a?.authority.name !== k.authority.name))
        return { der: ocspErrorResponse('unauthorized'), status: 'unauthorized' };
      try {
        const [single] = request.certIds;
        if (request.nonce === undefined && single !== undefined && request.certIds.length === 1) {
          const entry = await cached(k, single, request);
          return {
            der: entry.der,
            status: 'successful',
            cache: { thisUpdate: entry.thisUpdate, nextUpdate: entry.nextUpdate },
            authority: k.authority.name,
          };
        }
        const asked = await Promise.all(
          request.certIds.map(async (certId) => ({ certId, status: await statusOf(k, certId) })),
        );
        const signed = await sign(k, asked, request);
        return { der: signed.der, status: 'successful', authority: k.authority.name };
      } catch (error) {
        // A key that cannot be reached, a store that does not answer: internalError, and the caller logs why.
        return {
          der: ocspErrorResponse('internalError'),
          status: 'internalError',
          authority: k.authority.name,
          error,
        };
      }
    },

    async refresh() {
      const nowMs = deps.clock.now().getTime();
      let resigned = 0;
      let dropped = 0;
      if (deps.delegated !== undefined && known !== undefined)
        for (const k of known.list) await deps.delegated.signerFor(k.authority);
      for (const [key, entry] of [...cache]) {
        if (nowMs - entry.lastAskedMs > validityMs) {
          cache.delete(key);
          dropped += 1;
          continue;
        }
        if (nowMs < entry.thisUpdate.getTime() + validityMs / 2) continue;
        const status = await statusOf(entry.authority, entry.certId);
        const signed = await sign(entry.authority, [{ certId: entry.certId, status }], {
          certIds: [entry.certId],
        });
        if (cache.get(key) === entry) cache.set(key, { ...entry, state: stateOf(status), ...signed });
        resigned += 1;
      }
      return { resigned, dropped };
    },
  };
}

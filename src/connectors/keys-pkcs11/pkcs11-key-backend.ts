/**
 * The PKCS#11 backend of the KeyManager (src/core/ports/key-manager.ts): keys generated on a token (an HSM, a smart
 * card, SoftHSM2 in tests) that never leave it. A key is a private/public key pair with a random CKA_ID, found
 * again by its module, slot and CKA_ID; the private key is CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, not
 * CKA_EXTRACTABLE, and can only CKA_SIGN.
 *
 * Every failure to reach a key (module missing, no token in the slot, PIN refused, key not found, mechanism
 * missing) is CUSTOS_KEY_UNAVAILABLE with a message naming the module and slot, never the PIN.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../../core/errors.js';
import type {
  GeneratedKey,
  KeyBackend,
  KeyBackendChoice,
  KeyReference,
  KeyType,
} from '../../core/ports/key-manager.js';
import type { Signer } from '../../pki/x509/generate/signer.js';
import { ecdsaSigValue } from './ecdsa-signature.js';
import { pkcs11js, tokenReason, unavailable } from './pkcs11-module.js';
import {
  curveOfKey,
  GENERATION,
  keyTypeOf,
  publicKeySpkiOf,
  signatureOf,
  type TokenKey,
} from './token-keys.js';
import { isStale, openSession, type TokenSession } from './token-session.js';

export type Pkcs11KeyReference = Extract<KeyReference, { backend: 'pkcs11' }>;

export interface Pkcs11KeyBackendOptions {
  /** The token's user PIN (CUSTOS_PKCS11_PIN); undefined works only with tokens that need no login. */
  pin: string | undefined;
}

export interface Pkcs11KeyBackend extends KeyBackend<Pkcs11KeyReference> {
  /** Closes the sessions this backend opened (the modules stay loaded for the process). */
  close(): void;
}

/** Octets of a new key's random CKA_ID (hex in the reference). */
const ID_OCTETS = 16;

/** The largest signature a supported key makes: RSA-4096 (512 octets) with room for bigger RSA keys. */
const SIGNATURE_BUFFER = 1024;

export function pkcs11KeyBackend(options: Pkcs11KeyBackendOptions): Pkcs11KeyBackend {
  const sessions = new Map<string, TokenSession>();

  const sessionFor = (module: string, slot: number): TokenSession => {
    const key = `${slot}\u0000${module}`;
    let session = sessions.get(key);
    if (!session || session.closed) {
      session = openSession(module, slot, options.pin);
      sessions.set(key, session);
    }
    return session;
  };

  /**
   * Runs `work` on the slot's session, queued behind other work on it; a session the token has dropped (token
   * re-inserted, logged out) is opened again once.
   */
  const withSession = async <T>(
    module: string,
    slot: number,
    work: (session: TokenSession) => Promise<T> | T,
  ): Promise<T> => {
    const session = sessionFor(module, slot);
    const failed = (error: unknown, where: TokenSession): DomainError =>
      error instanceof DomainError
        ? error
        : unavailable(`the token in ${where.where} failed (${tokenReason(error)})`, error);
    try {
      return await session.run(() => work(session));
    } catch (error) {
      if (!isStale(error)) throw failed(error, session);
      session.close();
      const fresh = sessionFor(module, slot);
      try {
        return await fresh.run(() => work(fresh));
      } catch (again) {
        throw failed(again, fresh);
      }
    }
  };

  const findKey = (session: TokenSession, objectClass: number, id: string): Buffer | undefined => {
    const cacheKey = `${objectClass}:${id}`;
    const cached = session.keys.get(cacheKey);
    if (cached) return cached;
    const { lib, handle } = session;
    lib.C_FindObjectsInit(handle, [
      { type: pkcs11js.CKA_CLASS, value: objectClass },
      { type: pkcs11js.CKA_ID, value: Buffer.from(id, 'hex') },
    ]);
    let found: Buffer[];
    try {
      found = lib.C_FindObjects(handle, 2);
    } finally {
      lib.C_FindObjectsFinal(handle);
    }
    if (found.length > 1) {
      throw unavailable(
        `more than one key with CKA_ID ${id} in ${session.where}`,
        undefined,
        'give each key on the token its own CKA_ID',
      );
    }
    if (found[0]) session.keys.set(cacheKey, found[0]);
    return found[0];
  };

  const generate = async (type: KeyType, where: KeyBackendChoice, label: string): Promise<GeneratedKey> => {
    if (where.backend !== 'pkcs11')
      throw new DomainError(
        'CUSTOS_INVALID_ARGUMENT',
        `the PKCS#11 backend cannot make a ${where.backend} key`,
      );
    const spec = GENERATION[type];
    if (!spec) throw new DomainError('CUSTOS_INVALID_ARGUMENT', `unknown key type ${String(type)}`);
    const { module, slot } = where;
    return withSession(module, slot, async (session) => {
      if (!session.mechanisms.has(spec.mechanism)) {
        throw unavailable(
          `the token in ${session.where} cannot generate ${type} keys (it lacks ${spec.mechanismName})`,
          undefined,
          'choose another --key-type, or keep this CA’s key in software',
        );
      }
      const { lib, handle } = session;
      const id = randomBytes(ID_OCTETS);
      const common = [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: label },
      ];
      let pair: { publicKey: Buffer; privateKey: Buffer };
      try {
        pair = await lib.C_GenerateKeyPairAsync(
          handle,
          { mechanism: spec.mechanism },
          [
            ...common,
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
            { type: pkcs11js.CKA_PRIVATE, value: false },
            { type: pkcs11js.CKA_VERIFY, value: true },
            ...spec.publicAttributes,
          ],
          [
            ...common,
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
            { type: pkcs11js.CKA_PRIVATE, value: true },
            { type: pkcs11js.CKA_SENSITIVE, value: true },
            { type: pkcs11js.CKA_EXTRACTABLE, value: false },
            { type: pkcs11js.CKA_SIGN, value: true },
            { type: pkcs11js.CKA_DECRYPT, value: false },
            { type: pkcs11js.CKA_UNWRAP, value: false },
            { type: pkcs11js.CKA_DERIVE, value: false },
          ],
        );
      } catch (error) {
        if (isStale(error)) throw error;
        throw unavailable(
          `the token in ${session.where} could not generate a ${type} key (${tokenReason(error)})`,
          error,
        );
      }
      let publicKeySpki: Uint8Array;
      try {
        publicKeySpki = publicKeySpkiOf(
          lib,
          handle,
          pair.publicKey,
          keyTypeOf(lib, handle, pair.publicKey),
        ).spki;
      } catch (error) {
        // A pair whose public key cannot be read is no use to a CA: leave nothing behind on the token.
        for (const object of [pair.privateKey, pair.publicKey]) {
          try {
            lib.C_DestroyObject(handle, object);
          } catch {
            // Best effort: the error below says what went wrong.
          }
        }
        throw unavailable(
          `the token in ${session.where} generated a ${type} key whose public key cannot be read (${tokenReason(error)})`,
          error,
        );
      }
      const hex = id.toString('hex');
      session.keys.set(`${pkcs11js.CKO_PRIVATE_KEY}:${hex}`, pair.privateKey);
      return {
        reference: { backend: 'pkcs11', module, slot, id: hex, label },
        publicKeySpki,
      };
    });
  };

  /** The private key's handle; CUSTOS_KEY_UNAVAILABLE when the token holds no key with the reference's CKA_ID. */
  const privateKey = (session: TokenSession, reference: Pkcs11KeyReference): Buffer => {
    const key = findKey(session, pkcs11js.CKO_PRIVATE_KEY, reference.id);
    if (key) return key;
    throw unavailable(
      `no private key with CKA_ID ${reference.id} (label ${JSON.stringify(reference.label)}) in ${session.where}`,
      undefined,
      'the key was deleted from the token, or the CA names another token (`pkcs11-tool -O` lists the keys)',
    );
  };

  const describe = async (reference: Pkcs11KeyReference): Promise<TokenKey> =>
    withSession(reference.module, reference.slot, (session) => {
      const { lib, handle } = session;
      const key = privateKey(session, reference);
      try {
        const keyType = keyTypeOf(lib, handle, key);
        const curve = keyType === pkcs11js.CKK_RSA ? undefined : curveOfKey(lib, handle, key);
        const signature = signatureOf(keyType, curve);
        if (!signature) {
          throw unavailable(
            `the key with CKA_ID ${reference.id} in ${session.where} is of a kind Custos does not sign with (RSA, P-256, P-384, P-521 and Ed25519 can)`,
          );
        }
        // The public key object, else (RSA) the private key's public attributes.
        const publicKey = findKey(session, pkcs11js.CKO_PUBLIC_KEY, reference.id);
        const from = publicKey ?? (keyType === pkcs11js.CKK_RSA ? key : undefined);
        if (!from) {
          throw unavailable(
            `no public key with CKA_ID ${reference.id} beside its private key in ${session.where}`,
          );
        }
        return { ...signature, publicKeySpki: publicKeySpkiOf(lib, handle, from, keyType).spki };
      } catch (error) {
        if (error instanceof DomainError || isStale(error)) throw error;
        throw unavailable(
          `the key with CKA_ID ${reference.id} in ${session.where} cannot be read (${tokenReason(error)})`,
          error,
        );
      }
    });

  const signer = async (reference: Pkcs11KeyReference): Promise<Signer> => {
    if (reference.backend !== 'pkcs11' || !/^(?:[0-9a-f]{2})+$/i.test(reference.id)) {
      throw new DomainError(
        'CUSTOS_INVALID_ARGUMENT',
        'not a PKCS#11 key reference (module, slot, hex CKA_ID)',
      );
    }
    const key = await describe(reference);
    const sign = (data: Uint8Array): Promise<Uint8Array> =>
      withSession(reference.module, reference.slot, async (session) => {
        const { lib, handle } = session;
        const input = key.prehash ? createHash(key.prehash).update(data).digest() : Buffer.from(data);
        try {
          lib.C_SignInit(handle, { mechanism: key.mechanism }, privateKey(session, reference));
          const signature = await lib.C_SignAsync(handle, input, Buffer.alloc(SIGNATURE_BUFFER));
          return key.mechanism === pkcs11js.CKM_ECDSA ? ecdsaSigValue(signature) : new Uint8Array(signature);
        } catch (error) {
          if (error instanceof DomainError || isStale(error)) throw error;
          throw unavailable(
            `the token in ${session.where} could not sign with the key with CKA_ID ${reference.id} (${tokenReason(error)})`,
            error,
          );
        }
      });
    return { algorithm: key.algorithm, publicKeySpki: key.publicKeySpki, sign };
  };

  return {
    backend: 'pkcs11',
    generate,
    signer,
    close() {
      for (const session of sessions.values()) session.close();
      sessions.clear();
    },
  };
}

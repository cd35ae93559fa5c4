// Fuzz test of the lean reader: malformed DER of every kind ends in a result or in
// PkiFormatError('CUSTOS_DER_MALFORMED') — never another exception (RangeError, TypeError, ...), never a hang.
// Seeded (the PRNG of `npm run fuzz`, bench/fuzz), so a failure names its seed and case and can be replayed.
// A few seconds of runtime; the longer, mutation-stacking runs are `npm run fuzz -- --target lean-x509`.
import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import {
  aCertificate,
  asCA,
  withDnsNames,
  withEmails,
  withIpAddresses,
  withKey,
  withoutExtensions,
  withSubject,
  withUris,
} from '../../../test/support/certificates.js';
import { rfc4514Order } from '../../../test/support/certificate-oracles.js';
import { random } from '../../../bench/fuzz/mutator.js';
import { PkiFormatError } from '../problem.js';
import { parseCertificate } from './lean-reader.js';
import { readName } from './names.js';

function expectResultOrMalformed(input: Uint8Array, what: string): 'parsed' | 'malformed' {
  try {
    parseCertificate(input);
    return 'parsed';
  } catch (error) {
    if (error instanceof PkiFormatError && error.code === 'CUSTOS_DER_MALFORMED') return 'malformed';
    assert.fail(`${what}: threw ${String(error)} for ${Buffer.from(input).toString('hex')}`);
  }
}

type Mutation = (der: Uint8Array, rnd: () => number) => Uint8Array;
const int = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

const MUTATIONS: Record<string, Mutation> = {
  truncate: (der, rnd) => der.slice(0, int(rnd, der.length)),
  'flip bytes': (der, rnd) => {
    const out = der.slice();
    for (let i = 1 + int(rnd, 4); i > 0; i--) out[int(rnd, out.length)] = int(rnd, 256);
    return out;
  },
  'corrupt a length field': (der, rnd) => {
    // Positions right after a plausible tag are length octets in real DER often enough.
    const out = der.slice();
    const at = 1 + int(rnd, out.length - 1);
    const choices = [0x80, 0x81, 0x82, 0x84, 0x85, 0xff, 0x7f, 0x00, out[at]! + 1, out[at]! - 1];
    out[at] = choices[int(rnd, choices.length)]! & 0xff;
    return out;
  },
  'insert or delete bytes': (der, rnd) => {
    const at = int(rnd, der.length);
    if (rnd() < 0.5) return new Uint8Array([...der.subarray(0, at), ...der.subarray(at + 1 + int(rnd, 8))]);
    const extra = Array.from({ length: 1 + int(rnd, 8) }, () => int(rnd, 256));
    return new Uint8Array([...der.subarray(0, at), ...extra, ...der.subarray(at)]);
  },
  'trailing bytes': (der, rnd) =>
    new Uint8Array([...der, ...Array.from({ length: 1 + int(rnd, 4) }, () => 0)]),
  'random bytes': (der, rnd) => Uint8Array.from({ length: int(rnd, der.length + 1) }, () => int(rnd, 256)),
  'random bytes behind a SEQUENCE header': (_der, rnd) => {
    const body = Uint8Array.from({ length: int(rnd, 300) }, () => int(rnd, 256));
    return new Uint8Array([0x30, 0x82, body.length >> 8, body.length & 0xff, ...body]);
  },
};

const CASES_PER_MUTATION = 400;

describe('parseCertificate on malformed DER', async () => {
  const fixtures = await Promise.all([
    aCertificate(
      withDnsNames('a.example', '*.b.example'),
      withIpAddresses('10.0.0.1', '2001:db8::1'),
      withUris('spiffe://corp.example/x'),
      withEmails('a@example.com'),
    ),
    aCertificate(
      withKey('RSA', 2048),
      asCA({ pathLength: 1 }),
      withSubject('CN=Fuzz CA+OU=x, O=Ünïcødé, DC=corp'),
    ),
    aCertificate(withKey('Ed25519'), withoutExtensions()),
  ]);

  it('the unmodified fixtures parse', () => {
    for (const fixture of fixtures) assert.equal(expectResultOrMalformed(fixture.der, 'fixture'), 'parsed');
  });

  for (const [name, mutate] of Object.entries(MUTATIONS)) {
    it(`${name}: a result or CUSTOS_DER_MALFORMED, nothing else`, () => {
      let malformed = 0;
      fixtures.forEach((fixture, f) => {
        const seed = 0x5eed + f * 7919 + name.length;
        const rnd = random(seed);
        for (let i = 0; i < CASES_PER_MUTATION; i++) {
          const outcome = expectResultOrMalformed(mutate(fixture.der, rnd), `${name} seed ${seed} case ${i}`);
          if (outcome === 'malformed') malformed++;
        }
      });
      assert.ok(malformed > 0, 'the mutations produced malformed input');
    });
  }

  it('rejects what the reader must reject', () => {
    const der = fixtures[0]!.der;
    const reject = (input: Uint8Array, why: string) =>
      assert.throws(
        () => parseCertificate(input),
        { name: 'PkiFormatError', code: 'CUSTOS_DER_MALFORMED' },
        why,
      );
    reject(new Uint8Array(), 'empty input');
    reject(new Uint8Array([...der, 0]), 'trailing bytes');
    reject(der.subarray(0, der.length - 1), 'truncated');
    const indefinite = der.slice();
    indefinite[1] = 0x80;
    reject(indefinite, 'indefinite length');
  });
});

describe('readName agrees with @peculiar/x509 on random names', () => {
  it('random string types and bytes: the same text, or CUSTOS_DER_MALFORMED', () => {
    const rnd = random(0xd1);
    // Primitive tags only: the lean reader keeps a non-string value as opaque bytes, where asn1js reads into
    // a constructed one and, when its inner lengths are broken, past its end (a deliberate difference).
    const tags = [0x0c, 0x13, 0x14, 0x16, 0x1c, 0x1e, 0x12, 0x04, 0x02];
    const types = [
      [0x55, 4, 3],
      [0x55, 4, 10],
      [0x55, 4, 5],
      [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 1, 25],
    ];
    const alphabet = [
      0x20, 0x23, 0x2c, 0x2b, 0x22, 0x5c, 0x3c, 0x3e, 0x3b, 0x0a, 0x0d, 0x09, 0x41, 0x7a, 0x00,
    ];
    let compared = 0;
    for (let i = 0; i < 3000; i++) {
      const rdns: number[] = [];
      for (let r = int(rnd, 4); r >= 0; r--) {
        const attributes: number[] = [];
        for (let a = int(rnd, 3); a >= 0; a--) {
          const value = Array.from({ length: int(rnd, 9) }, () =>
            rnd() < 0.5 ? alphabet[int(rnd, alphabet.length)]! : int(rnd, 256),
          );
          const type = types[int(rnd, types.length)]!;
          const body = [0x06, type.length, ...type, tags[int(rnd, tags.length)]!, value.length, ...value];
          attributes.push(0x30, body.length, ...body);
        }
        rdns.push(0x31, attributes.length, ...attributes);
      }
      const der = new Uint8Array([0x30, 0x82, rdns.length >> 8, rdns.length & 0xff, ...rdns]);
      let expected: string | null = null;
      try {
        expected = rfc4514Order(new x509.Name(der).toString());
      } catch {
        // @peculiar/x509 cannot read it either (odd BMPString, UniversalString not of 4-byte units)
      }
      try {
        const actual = readName(Buffer.from(der), 4, der.length, 'name').text;
        if (expected !== null) {
          assert.equal(actual, expected, Buffer.from(der).toString('hex'));
          compared++;
        }
      } catch (error) {
        assert.ok(error instanceof PkiFormatError && error.code === 'CUSTOS_DER_MALFORMED', String(error));
        assert.equal(expected, null, `only the lean reader rejects ${Buffer.from(der).toString('hex')}`);
      }
    }
    assert.ok(compared > 1000, `${compared} names compared`);
  });
});

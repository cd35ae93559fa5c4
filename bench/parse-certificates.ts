/**
 * bench/parse-certificates: how fast each reader turns a certificate's DER into the inventory's fields.
 *
 *   npx tsx bench/parse-certificates.ts [--count 20000] [--library-count 5000]
 *   node dist/bench/parse-certificates.js
 *
 * Builds `count` varied certificates (RSA 2048-4096, ECDSA P-256/384/521, Ed25519; leaves and CAs; 1 to 40
 * SANs; short and long subjects): 120 are signed by the test builder, the rest are copies of them with a new
 * serial patched in (parsers do not check signatures). Then prints certificates/s on one core for: the lean
 * reader, @peculiar/x509 (construction alone, and with the inventory's fields read), Node's
 * crypto.X509Certificate, and bare SHA-256 of the same DERs — the physical limit, as the reader hashes the
 * DER and the public key once each. Each figure is the best of several passes (5 for SHA-256 and the lean
 * reader, 2 for the libraries, which run on the first `library-count` certificates).
 */
import 'reflect-metadata'; // before @peculiar/x509
import { hash, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as x509 from '@peculiar/x509';
import { parseCertificate } from '../src/pki/x509/lean-reader.js';
import { Asn1Cursor } from '../src/pki/asn1/reader.js';
import {
  aCertificate,
  asCA,
  withDnsNames,
  withIpAddresses,
  withKey,
  withSubject,
  withUris,
  type CertificateOption,
} from '../test/support/certificates.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    'library-count': { type: 'string', default: '5000' },
  },
});
const COUNT = Number(values.count);
const LIBRARY_COUNT = Math.min(COUNT, Number(values['library-count']));

const KEYS: CertificateOption[] = [
  withKey('ECDSA', 256),
  withKey('ECDSA', 256),
  withKey('RSA', 2048),
  withKey('RSA', 2048),
  withKey('ECDSA', 384),
  withKey('RSA', 3072),
  withKey('Ed25519'),
  withKey('RSA', 4096),
  withKey('ECDSA', 521),
];

async function templates(): Promise<Uint8Array[]> {
  const built: Uint8Array[] = [];
  for (let i = 0; i < 120; i++) {
    const sans = 1 + ((i * 7) % 40);
    const options = [
      KEYS[i % KEYS.length]!,
      withSubject(
        i % 3 === 0
          ? `CN=svc-${i}.team-${i % 13}.corp.example, OU=Platform, O=Example Holdings GmbH, L=München, ST=Bayern, C=DE`
          : `CN=svc-${i}.example`,
      ),
      withDnsNames(...Array.from({ length: sans }, (_, n) => `host-${n}.svc-${i}.example`)),
      ...(i % 4 === 0 ? [withIpAddresses('10.0.0.1', '2001:db8::1')] : []),
      ...(i % 5 === 0 ? [withUris(`spiffe://corp.example/ns/n${i}/sa/api`)] : []),
      ...(i % 10 === 0 ? [asCA({ pathLength: 0 })] : []),
    ];
    built.push((await aCertificate(...options)).der);
  }
  return built;
}

/** A copy of `der` with the last serial byte replaced by serial bytes from `n`, so every DER is distinct. */
function withSerialPatched(der: Uint8Array, n: number): Uint8Array {
  const copy = der.slice();
  const cursor = new Asn1Cursor(copy, 0, copy.length);
  cursor.next('certificate');
  const tbs = cursor.inner();
  tbs.next('tbsCertificate');
  const fields = tbs.inner();
  if (fields.peek() === 0xa0) fields.next('version');
  fields.next('serialNumber');
  for (let p = fields.end - 1, v = n; p > fields.start + 1 && p >= fields.end - 4; p--, v >>>= 8)
    copy[p] = v & 0xff;
  return copy;
}

interface Reader {
  name: string;
  ders: Uint8Array[];
  read: (der: Uint8Array) => unknown;
  /** Passes to time; the figure is the best of them. */
  rounds: number;
  best: number;
}

const base = await templates();
const ders = Array.from({ length: COUNT }, (_, i) => withSerialPatched(base[i % base.length]!, i));
const subset = ders.slice(0, LIBRARY_COUNT);
const meanBytes = Math.round(ders.reduce((sum, der) => sum + der.length, 0) / ders.length);

const reader = (
  name: string,
  list: Uint8Array[],
  read: (der: Uint8Array) => unknown,
  rounds: number,
): Reader => ({
  name,
  ders: list,
  read,
  rounds,
  best: 0,
});
const readers: Reader[] = [
  reader('SHA-256 of the DER (limit)', ders, (der) => hash('sha256', der, 'hex'), 5),
  reader('lean parseCertificate', ders, parseCertificate, 5),
  reader('node crypto.X509Certificate', subset, (der) => new NodeX509Certificate(der), 2),
  reader('@peculiar/x509 new X509Certificate', subset, (der) => new x509.X509Certificate(der), 2),
  reader(
    '@peculiar/x509 + inventory fields',
    subset,
    (der) => {
      const c = new x509.X509Certificate(der);
      return [
        c.subject,
        c.issuer,
        c.serialNumber,
        c.notBefore,
        c.notAfter,
        c.getExtension(x509.SubjectAlternativeNameExtension)?.names.items,
        c.getExtension(x509.BasicConstraintsExtension)?.ca,
        c.publicKey.algorithm,
      ];
    },
    2,
  ),
];

// A warm-up pass each, then timed passes taken in turns, so that a busy moment of a shared machine does not
// fall on one reader alone; each figure is the best of its passes.
for (const r of readers) for (const der of r.ders.slice(0, 2000)) r.read(der);
for (let round = 0; round < 5; round++) {
  for (const r of readers.filter((r) => round < r.rounds)) {
    const start = process.hrtime.bigint();
    for (const der of r.ders) r.read(der);
    r.best = Math.max(r.best, r.ders.length / (Number(process.hrtime.bigint() - start) / 1e9));
  }
}
const rows = readers.map((r): [string, number, number] => [r.name, r.ders.length, r.best]);

const sha = rows[0]![2];
console.log(
  `parse-certificates: ${COUNT} certificates (${base.length} signed, mean ${meanBytes} bytes), Node ${process.version}`,
);
console.log(
  `${'reader'.padEnd(38)}${'certificates'.padStart(13)}${'per second'.padStart(13)}${'of SHA-256'.padStart(12)}`,
);
for (const [name, count, rate] of rows) {
  const share = `${((rate / sha) * 100).toFixed(1)}%`;
  console.log(
    `${name.padEnd(38)}${String(count).padStart(13)}${Math.round(rate).toLocaleString('en').padStart(13)}${share.padStart(12)}`,
  );
}

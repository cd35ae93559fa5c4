/**
 * A file tree holding every certificate format `custos scan files` reads, plus broken files, generated at run time
 * with the certificate builder, `openssl` and `keytool`. It knows what a scan must find in it: each certificate
 * with its file locations and findings, and each error entry with its code and path.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  validFor,
  validFrom,
  withDnsNames,
  withFreshKey,
  withIpAddresses,
  withKey,
  withSerial,
  withSignatureHash,
  withSubject,
  withUris,
  type BuiltCertificate,
} from '../support/certificates.js';

const run = promisify(execFile);
const DAY_MS = 86_400_000;

/** The passwords the scan is given; the PKCS#12 file locked with UNKNOWN_PASSWORD must stay closed. */
export const PASSWORDS = ['s3cret', 'changeit'];
const UNKNOWN_PASSWORD = 'nobody-knows-this';

export interface ExpectedCertificate {
  label: string;
  certificate: BuiltCertificate;
  /** Absolute paths of the files that hold it. */
  paths: string[];
  /** The finding codes a scan must report for it now, sorted. */
  findings: string[];
  /** Files that hold its private key too. */
  keyPaths: string[];
}

export interface ExpectedError {
  path: string;
  code: string;
}

export interface EveryFormatTree {
  /** The tree to scan (a real path, no symbolic link above it). */
  root: string;
  /** Every certificate the tree holds, by label. */
  certificates: Map<string, ExpectedCertificate>;
  /** Certificates that are in the tree but must not be read (locked with an unknown password). */
  unreadable: BuiltCertificate[];
  errors: ExpectedError[];
  /** Regular files in the tree (what `files` of the scan summary counts). */
  files: number;
  /** `path` of the tree, absolute. */
  path(relative: string): string;
  cleanup(): Promise<void>;
}

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const b64 = (text: string): string => Buffer.from(text).toString('base64');

export async function buildEveryFormatTree(): Promise<EveryFormatTree> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'custos-e2e-tree-')));
  const root = join(base, 'tree');
  const work = join(base, 'work');
  await mkdir(root);
  await mkdir(work);
  const path = (relative: string) => join(root, relative);
  const certificates = new Map<string, ExpectedCertificate>();
  const errors: ExpectedError[] = [];
  let files = 0;

  const put = async (relative: string, content: string | Uint8Array) => {
    await mkdir(dirname(path(relative)), { recursive: true });
    await writeFile(path(relative), content);
    files += 1;
  };
  const scratch = async (name: string, content: string | Uint8Array) => {
    await writeFile(join(work, name), content);
    return join(work, name);
  };
  const expect = (
    label: string,
    certificate: BuiltCertificate,
    findings: string[],
    options: { keyIn?: string[] } = {},
  ) => {
    certificates.set(label, {
      label,
      certificate,
      paths: [],
      findings: [...findings].sort(),
      keyPaths: (options.keyIn ?? []).map(path),
    });
  };
  const at = (relative: string, ...labels: string[]) => {
    for (const label of labels) certificates.get(label)?.paths.push(path(relative));
  };
  const leaf = (name: string, ...options: Parameters<typeof aCertificate>) =>
    aCertificate(withSubject(`CN=${name}, O=Custos E2E`), withFreshKey(), ...options);

  // --- the CA ---------------------------------------------------------------------------------------------
  const rootCa = await aCertificate(
    withSubject('CN=Custos E2E Root CA, O=Custos E2E'),
    asCA(),
    validFor(3650),
  );
  const intermediate = await aCertificate(
    withSubject('CN=Custos E2E Intermediate CA, O=Custos E2E'),
    asCA({ pathLength: 0 }),
    validFor(1825),
    withFreshKey(),
    issuedBy(rootCa),
  );
  expect('root', rootCa, []);
  expect('intermediate', intermediate, []);

  // --- PEM with text around it and CRLF line ends (a self-signed leaf) ---------------------------------------
  const crlfLeaf = await leaf('crlf.example', withKey('ECDSA', 384));
  expect('crlf', crlfLeaf, ['self-signed']);
  await put(
    'pem/crlf.pem',
    crlf(`Subject: crlf.example\nissued for the e2e test\n\n${crlfLeaf.pem}\ntrailing words\n`),
  );
  at('pem/crlf.pem', 'crlf');

  // --- a PEM bundle of several certificates (the RSA leaf checked field by field) ----------------------------
  const bundleLeaf = await leaf(
    'bundle.example',
    withKey('RSA', 2048),
    withDnsNames('bundle.example', 'www.bundle.example'),
    withIpAddresses('192.0.2.10'),
    withSerial('01a2b3c4d5e6f7a8b9'),
    issuedBy(intermediate),
  );
  expect('bundle', bundleLeaf, []);
  await put('pem/fullchain.pem', bundleLeaf.pem + intermediate.pem + rootCa.pem);
  at('pem/fullchain.pem', 'bundle', 'intermediate', 'root');

  // --- DER, with a weak RSA key, under a name that says nothing ----------------------------------------------
  const weak = await leaf('weak.example', withKey('RSA', 1024), issuedBy(intermediate));
  expect('weak', weak, ['key-type-not-allowed']);
  await put('der/legacy.bin', weak.der);
  at('der/legacy.bin', 'weak');

  // --- PKCS#7, PEM and DER ----------------------------------------------------------------------------------
  const p7pem = await leaf('p7-pem.example', withKey('Ed25519'), issuedBy(rootCa));
  expect('p7pem', p7pem, []);
  const p7pemIn = await scratch('p7pem-in.pem', p7pem.pem + rootCa.pem);
  await mkdir(path('p7'));
  await run('openssl', ['crl2pkcs7', '-nocrl', '-certfile', p7pemIn, '-out', path('p7/chain.p7b')]);
  files += 1;
  at('p7/chain.p7b', 'p7pem', 'root');

  const p7der = await leaf('p7-der.example', expiringIn(10), issuedBy(intermediate));
  expect('p7der', p7der, ['expiring-soon']);
  const p7derIn = await scratch('p7der-in.pem', p7der.pem + intermediate.pem);
  await run('openssl', [
    'crl2pkcs7',
    '-nocrl',
    '-certfile',
    p7derIn,
    '-outform',
    'DER',
    '-out',
    path('p7/chain.p7c'),
  ]);
  files += 1;
  at('p7/chain.p7c', 'p7der', 'intermediate');

  // --- PKCS#12: empty password, a password given by --password, an unknown password, legacy RC2/3DES -------
  const pkcs12 = async (
    relative: string,
    certificate: BuiltCertificate,
    password: string,
    options: { chain?: BuiltCertificate[]; legacy?: boolean } = {},
  ) => {
    const key = await scratch(`${certificate.fingerprintSha256}.key`, certificate.privateKeyPem);
    const cert = await scratch(`${certificate.fingerprintSha256}.crt`, certificate.pem);
    const args = [
      'pkcs12',
      '-export',
      '-in',
      cert,
      '-inkey',
      key,
      '-name',
      'server',
      '-passout',
      `pass:${password}`,
    ];
    if (options.chain)
      args.push(
        '-certfile',
        await scratch(`${certificate.fingerprintSha256}.chain`, options.chain.map((c) => c.pem).join('')),
      );
    if (options.legacy) args.push('-legacy');
    await mkdir(dirname(path(relative)), { recursive: true });
    await run('openssl', [...args, '-out', path(relative)]);
    files += 1;
  };
  const p12empty = await leaf('p12-empty.example', issuedBy(intermediate));
  expect('p12empty', p12empty, [], { keyIn: ['p12/empty-password.pfx'] });
  await pkcs12('p12/empty-password.pfx', p12empty, '', { chain: [intermediate] });
  at('p12/empty-password.pfx', 'p12empty', 'intermediate');

  const p12pass = await leaf('p12-pass.example', expiringIn(-10), issuedBy(intermediate));
  expect('p12pass', p12pass, ['expired'], { keyIn: ['p12/with-password.p12'] });
  await pkcs12('p12/with-password.p12', p12pass, 's3cret');
  at('p12/with-password.p12', 'p12pass');

  const p12legacy = await leaf('p12-legacy.example', withSignatureHash('SHA-1'), issuedBy(intermediate));
  expect('p12legacy', p12legacy, ['weak-signature'], { keyIn: ['p12/legacy.p12'] });
  await pkcs12('p12/legacy.p12', p12legacy, 'changeit', { legacy: true });
  at('p12/legacy.p12', 'p12legacy');

  const p12unknown = await leaf('p12-unknown.example', issuedBy(intermediate));
  await pkcs12('p12/unknown-password.p12', p12unknown, UNKNOWN_PASSWORD);
  errors.push({ path: path('p12/unknown-password.p12'), code: 'CUSTOS_PKCS12_PASSWORD_UNKNOWN' });

  // --- JKS: a trusted-certificate entry (a partner's root) and a private-key entry with its chain -------------
  const partnerRoot = await aCertificate(
    withSubject('CN=Partner Root CA, O=Partner'),
    asCA(),
    validFor(3650),
    withFreshKey(),
  );
  expect('partnerRoot', partnerRoot, []);
  const jksLeaf = await leaf('jks.example', validFor(800), issuedBy(intermediate));
  expect('jks', jksLeaf, ['validity-too-long'], { keyIn: ['java/keystore.jks'] });
  const jksSource = join(work, 'jks-source.p12');
  const jksKey = await scratch('jks.key', jksLeaf.privateKeyPem);
  const jksCert = await scratch('jks.crt', jksLeaf.pem);
  const jksChain = await scratch('jks.chain', intermediate.pem + rootCa.pem);
  await run('openssl', [
    'pkcs12',
    '-export',
    '-in',
    jksCert,
    '-inkey',
    jksKey,
    '-certfile',
    jksChain,
    '-name',
    'server',
    '-passout',
    'pass:changeit',
    '-out',
    jksSource,
  ]);
  await mkdir(path('java'), { recursive: true });
  const keystore = path('java/keystore.jks');
  await run('keytool', [
    '-importkeystore',
    '-noprompt',
    '-srckeystore',
    jksSource,
    '-srcstoretype',
    'PKCS12',
    '-srcstorepass',
    'changeit',
    '-destkeystore',
    keystore,
    '-deststoretype',
    'JKS',
    '-deststorepass',
    'changeit',
    '-destkeypass',
    'changeit',
  ]);
  await run('keytool', [
    '-importcert',
    '-noprompt',
    '-alias',
    'partner-root',
    '-file',
    await scratch('partner.pem', partnerRoot.pem),
    '-keystore',
    keystore,
    '-storetype',
    'JKS',
    '-storepass',
    'changeit',
  ]);
  files += 1;
  at('java/keystore.jks', 'jks', 'intermediate', 'root', 'partnerRoot');

  // --- Kubernetes TLS Secrets: multi-document YAML and JSON ----------------------------------------------------
  const k8sYaml = await leaf(
    'shop.example',
    validFrom(new Date(Date.now() + 5 * DAY_MS)),
    issuedBy(intermediate),
  );
  expect('k8sYaml', k8sYaml, ['not-yet-valid'], { keyIn: ['k8s/secrets.yaml'] });
  const k8sYaml2 = await leaf('admin.shop.example', issuedBy(intermediate));
  expect('k8sYaml2', k8sYaml2, []);
  await put(
    'k8s/secrets.yaml',
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\n  namespace: shop\ndata:\n  mode: production\n',
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: web-tls',
        '  namespace: shop',
        'type: kubernetes.io/tls',
        'data:',
        `  tls.crt: ${b64(k8sYaml.pem + intermediate.pem)}`,
        `  tls.key: ${b64(k8sYaml.privateKeyPem)}`,
        `  ca.crt: ${b64(rootCa.pem)}`,
        '',
      ].join('\n'),
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: admin-tls',
        '  namespace: shop',
        'type: kubernetes.io/tls',
        'data:',
        `  tls.crt: ${b64(k8sYaml2.pem)}`,
        `  tls.key: ${b64(k8sYaml2.privateKeyPem)}`,
        '',
      ].join('\n'),
    ].join('---\n'),
  );
  at('k8s/secrets.yaml', 'k8sYaml', 'k8sYaml2', 'intermediate', 'root');
  certificates.get('k8sYaml2')?.keyPaths.push(path('k8s/secrets.yaml'));

  const spiffeId = 'spiffe://example.org/ns/payments/sa/api';
  const k8sJson = await leaf(
    'api.example',
    withDnsNames('api.example'),
    withUris(spiffeId),
    issuedBy(intermediate),
  );
  expect('k8sJson', k8sJson, [], { keyIn: ['k8s/api-tls.json'] });
  await put(
    'k8s/api-tls.json',
    JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'api-tls' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(k8sJson.pem), 'tls.key': b64(k8sJson.privateKeyPem) },
      },
      null,
      2,
    ),
  );
  at('k8s/api-tls.json', 'k8sJson');

  // --- a certificate with its key, one with a key that is not its own, one with an encrypted key --------------
  const keypair = await leaf('keypair.example', issuedBy(intermediate));
  expect('keypair', keypair, [], { keyIn: ['keys/keypair.pem'] });
  await put('keys/keypair.pem', keypair.pem + keypair.privateKeyPem);
  at('keys/keypair.pem', 'keypair');

  const mismatch = await leaf('mismatch.example', issuedBy(intermediate));
  const stranger = await leaf('stranger.example', issuedBy(intermediate));
  expect('mismatch', mismatch, ['key-mismatch']);
  await put('keys/mismatch.pem', stranger.privateKeyPem + mismatch.pem);
  at('keys/mismatch.pem', 'mismatch');

  const encrypted = await leaf('encrypted-key.example', issuedBy(intermediate));
  expect('encrypted', encrypted, []);
  const { stdout: encryptedKey } = await run('openssl', [
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-in',
    await scratch('enc.key', encrypted.privateKeyPem),
    '-passout',
    `pass:${UNKNOWN_PASSWORD}`,
  ]);
  await put('keys/encrypted.pem', encrypted.pem + encryptedKey);
  at('keys/encrypted.pem', 'encrypted');
  errors.push({ path: path('keys/encrypted.pem'), code: 'CUSTOS_KEY_ENCRYPTED' });

  // --- the same certificate in several files -----------------------------------------------------------------
  const dup = await leaf('dup.example', issuedBy(intermediate));
  expect('dup', dup, []);
  await put('dup/one.pem', dup.pem);
  await put('dup/nested/two.crt', `# the same certificate again\n${dup.pem}`);
  await put('dup/three.der', dup.der);
  at('dup/one.pem', 'dup');
  at('dup/nested/two.crt', 'dup');
  at('dup/three.der', 'dup');

  // --- broken files ------------------------------------------------------------------------------------------
  await put('broken/empty.pem', '');
  errors.push({ path: path('broken/empty.pem'), code: 'CUSTOS_FILE_EMPTY' });
  await put('broken/truncated.pem', dup.pem.slice(0, Math.floor(dup.pem.length / 2)));
  errors.push({ path: path('broken/truncated.pem'), code: 'CUSTOS_FILE_TRUNCATED' });
  const junk = new Uint8Array(4096);
  for (let i = 0; i < junk.length; i += 1) junk[i] = (i * 131 + 7) % 251;
  junk.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // a PNG signature, then noise
  await put('broken/junk.bin', junk);
  errors.push({ path: path('broken/junk.bin'), code: 'CUSTOS_FILE_UNRECOGNISED' });
  // A DER certificate whose TBSCertificate header was overwritten: a certificate file that got corrupted.
  const corrupt = Uint8Array.from(dup.der);
  corrupt.fill(0xff, 12, 40);
  await put('broken/corrupt.der', corrupt);
  errors.push({ path: path('broken/corrupt.der'), code: 'CUSTOS_DER_MALFORMED' });
  await symlink('loop-b', path('broken/loop-a'));
  await symlink('loop-a', path('broken/loop-b'));
  errors.push({ path: path('broken/loop-a'), code: 'CUSTOS_FILE_SYMLINK_LOOP' });
  errors.push({ path: path('broken/loop-b'), code: 'CUSTOS_FILE_SYMLINK_LOOP' });
  await symlink('..', path('broken/up'));
  errors.push({ path: path('broken/up'), code: 'CUSTOS_FILE_SYMLINK_LOOP' });

  return {
    root,
    certificates,
    unreadable: [p12unknown],
    errors,
    files,
    path,
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}

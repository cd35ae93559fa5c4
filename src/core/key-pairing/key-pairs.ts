import { baseNameOf, directoryOf } from '../inventory/file-path.js';

/** A pair a web server's configuration declares (`ssl_certificate` / `ssl_certificate_key`, ...). */
export interface ConfiguredKeyPair {
  certificatePath: string;
  keyPath: string;
  layout: 'nginx' | 'apache';
  /** The configuration file that declares it. */
  source: string;
}

/** A certificate file and the key file its name pairs it with. */
export interface NamedKeyPair {
  certificatePath: string;
  keyPath: string;
  layout: 'same-stem' | 'certbot';
}

/** A certificate file and the key file that belongs to it, with the layout that says so. */
export type KeyPair = NamedKeyPair | ConfiguredKeyPair;

/** certbot's lineage files: `live/NAME/cert.pem` (and fullchain.pem) go with `live/NAME/privkey.pem`. */
const CERTBOT_LIVE = /^(cert|fullchain)\.pem$/;
/** certbot's archive of a lineage: `archive/NAME/certN.pem` (and fullchainN.pem) go with `privkeyN.pem`. */
const CERTBOT_ARCHIVE = /^(?:cert|fullchain)(\d+)\.pem$/;
/** Names of certificate files whose key, by the same stem, is `STEM.key` or `STEM-key.pem` (mkcert, cfssl). */
const CERTIFICATE_NAME = /^(.+)\.(crt|cer|cert|pem)$/i;

function pairsByName(certificatePath: string): NamedKeyPair[] {
  const directory = directoryOf(certificatePath);
  const name = baseNameOf(certificatePath);
  const parent = baseNameOf(directoryOf(directory));
  const pair = (keyName: string, layout: NamedKeyPair['layout']): NamedKeyPair => ({
    certificatePath,
    keyPath: `${directory}/${keyName}`,
    layout,
  });
  if (parent === 'live' && CERTBOT_LIVE.test(name)) return [pair('privkey.pem', 'certbot')];
  const archived = CERTBOT_ARCHIVE.exec(name);
  if (parent === 'archive' && archived) return [pair(`privkey${archived[1]}.pem`, 'certbot')];
  const stem = CERTIFICATE_NAME.exec(name)?.[1];
  if (stem === undefined || /[-.]key$/i.test(stem)) return [];
  return [pair(`${stem}.key`, 'same-stem'), pair(`${stem}-key.pem`, 'same-stem')];
}

/**
 * The key file that belongs to each of these certificate files, by the layouts people use: a web server's
 * configuration that names both (nginx, Apache), a certbot lineage (`live/NAME/cert.pem` and `fullchain.pem` with
 * `privkey.pem`; `archive/NAME/certN.pem` with `privkeyN.pem`), or the same stem (`web.crt` with `web.key`,
 * `web.pem` with `web-key.pem`). A certificate file may have several (a configuration and its stem); each
 * certificate-key pair is given once, configured pairs first. Pure: whether a key is there is the caller's question.
 */
export function pairKeys(
  certificatePaths: readonly string[],
  configured: readonly ConfiguredKeyPair[],
): KeyPair[] {
  const wanted = new Set(certificatePaths);
  const pairs = new Map<string, KeyPair>();
  const add = (pair: KeyPair): void => {
    const id = `${pair.certificatePath}\u0000${pair.keyPath}`;
    if (pair.keyPath !== pair.certificatePath && !pairs.has(id)) pairs.set(id, pair);
  };
  for (const c of configured) if (wanted.has(c.certificatePath)) add(c);
  for (const path of wanted) pairsByName(path).forEach(add);
  return [...pairs.values()];
}

/** What paired them, as a finding and `inventory show` say it ("the same name stem", "... in /etc/nginx/web.conf"). */
export function pairedBy(pair: KeyPair): string {
  switch (pair.layout) {
    case 'same-stem':
      return 'the same name stem';
    case 'certbot':
      return 'the certbot lineage';
    case 'nginx':
      return `ssl_certificate / ssl_certificate_key in ${pair.source}`;
    case 'apache':
      return `SSLCertificateFile / SSLCertificateKeyFile in ${pair.source}`;
  }
}

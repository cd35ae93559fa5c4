import { directoryOf, resolvePath } from '../inventory/file-path.js';
import { newSection, sectionPairs, type ConfigSection } from './config-sections.js';
import type { ConfiguredKeyPair } from './key-pairs.js';

/** A directive line's words: bare, or quoted with `"` (a backslash escapes the next character). */
function words(line: string): string[] {
  const out: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = pattern.exec(line); m !== null; m = pattern.exec(line))
    out.push(m[1] === undefined ? (m[2] as string) : m[1].replace(/\\(.)/g, '$1'));
  return out;
}

/**
 * The `SSLCertificateFile` / `SSLCertificateKeyFile` pairs of an Apache httpd configuration file, section by section
 * (a `<VirtualHost>` inherits what the server configuration names). A certificate file without a key file holds its
 * key itself and pairs with nothing. Directives are case-insensitive; lines continue after a `\`; `Include` is not
 * followed. Relative paths are taken from the file's `ServerRoot` when it sets one, else from its directory.
 */
export function apacheKeyPairs(text: string, path: string): ConfiguredKeyPair[] {
  let base = directoryOf(path);
  const root = newSection(null);
  const sections: ConfigSection[] = [root];
  let current = root;
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('</')) {
      current = current.parent ?? root;
      continue;
    }
    if (line.startsWith('<')) {
      current = newSection(current);
      sections.push(current);
      continue;
    }
    const [directive, value] = words(line);
    const file = value === undefined ? null : resolvePath(base, value);
    switch (directive?.toLowerCase()) {
      case 'serverroot':
        if (file !== null) base = file;
        break;
      case 'sslcertificatefile':
        current.certificates.push(file);
        break;
      case 'sslcertificatekeyfile':
        current.keys.push(file);
        break;
    }
  }
  return sectionPairs(sections, 'apache', path);
}

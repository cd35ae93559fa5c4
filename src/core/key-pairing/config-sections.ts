import type { ConfiguredKeyPair } from './key-pairs.js';

/**
 * A block of a web server's configuration (nginx `http`/`server`, Apache's server config and `<VirtualHost>`): the
 * certificate and key files its directives name, in order (null for a value that is not a file: a variable, an
 * engine key), inheriting what its enclosing block names when it names none itself.
 */
export interface ConfigSection {
  certificates: Array<string | null>;
  keys: Array<string | null>;
  parent: ConfigSection | null;
}

export const newSection = (parent: ConfigSection | null): ConfigSection => ({
  certificates: [],
  keys: [],
  parent,
});

/**
 * What a section names of `of`, or what its nearest enclosing section names: memoised per section, so a file of
 * deeply nested blocks costs linear time (walking up from every section was quadratic: 40,000 nested blocks, 1 MB,
 * took ~10 s).
 */
function inheritance(of: 'certificates' | 'keys'): (section: ConfigSection) => Array<string | null> {
  const memo = new Map<ConfigSection, Array<string | null>>();
  const find = (section: ConfigSection): Array<string | null> => {
    const chain: ConfigSection[] = [];
    let found: Array<string | null> = [];
    for (let s: ConfigSection | null = section; s !== null; s = s.parent) {
      const known = memo.get(s);
      if (known !== undefined) {
        found = known;
        break;
      }
      if (s[of].length > 0) {
        found = s[of];
        break;
      }
      chain.push(s);
    }
    for (const s of chain) memo.set(s, found);
    return found;
  };
  return find;
}

/**
 * The certificate-key pairs the sections declare: in a section that names certificates or keys, the Nth
 * certificate goes with the Nth key (nginx and Apache take an RSA and an ECDSA pair that way), either inherited from
 * the enclosing section when the section names none.
 */
export function sectionPairs(
  sections: readonly ConfigSection[],
  layout: ConfiguredKeyPair['layout'],
  source: string,
): ConfiguredKeyPair[] {
  const pairs: ConfiguredKeyPair[] = [];
  const inheritedCertificates = inheritance('certificates');
  const inheritedKeys = inheritance('keys');
  for (const section of sections) {
    if (section.certificates.length === 0 && section.keys.length === 0) continue;
    const certificates = inheritedCertificates(section);
    const keys = inheritedKeys(section);
    for (let i = 0; i < Math.min(certificates.length, keys.length); i += 1) {
      const certificatePath = certificates[i];
      const keyPath = keys[i];
      if (certificatePath && keyPath) pairs.push({ certificatePath, keyPath, layout, source });
    }
  }
  return pairs;
}

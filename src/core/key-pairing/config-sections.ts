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

function inherited(section: ConfigSection, of: 'certificates' | 'keys'): Array<string | null> {
  for (let s: ConfigSection | null = section; s !== null; s = s.parent) if (s[of].length > 0) return s[of];
  return [];
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
  for (const section of sections) {
    if (section.certificates.length === 0 && section.keys.length === 0) continue;
    const certificates = inherited(section, 'certificates');
    const keys = inherited(section, 'keys');
    for (let i = 0; i < Math.min(certificates.length, keys.length); i += 1) {
      const certificatePath = certificates[i];
      const keyPath = keys[i];
      if (certificatePath && keyPath) pairs.push({ certificatePath, keyPath, layout, source });
    }
  }
  return pairs;
}

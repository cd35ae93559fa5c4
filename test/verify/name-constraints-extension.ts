/**
 * A nameConstraints extension (RFC 5280 4.2.1.10) for test CAs, as @peculiar/x509's Extension (it has no class
 * for it), encoded by src/pki's encoder. dNSName bases as given; iPAddress bases as CIDR ("10.0.0.0/8",
 * "2001:db8::/32").
 */
import 'reflect-metadata'; // before @peculiar/x509
import * as x509 from '@peculiar/x509';
import { nameConstraintsExtension } from '../../src/pki/x509/extensions/name-constraints.js';
import type { GeneralNameInput } from '../../src/pki/x509/extensions/subject-alt-name.js';

export interface Subtrees {
  dns?: string[];
  ip?: string[];
}

const bases = (trees?: Subtrees): GeneralNameInput[] | undefined =>
  trees && [...(trees.dns ?? []).map((dns) => ({ dns })), ...(trees.ip ?? []).map((ip) => ({ ip }))];

/** A critical nameConstraints extension with the given permitted and excluded subtrees. */
export function nameConstraints(options: { permitted?: Subtrees; excluded?: Subtrees }): x509.Extension {
  const extension = nameConstraintsExtension({
    permitted: bases(options.permitted),
    excluded: bases(options.excluded),
  });
  return new x509.Extension(extension.oid, extension.critical, extension.value);
}

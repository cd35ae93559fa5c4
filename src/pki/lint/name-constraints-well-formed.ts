import { OID_NAME_CONSTRAINTS, type Subtrees } from '../x509/extensions/name-constraints.js';
import { formatIpAddress } from '../ip-address.js';
import { dnsNameProblem, extensionOf } from './facts.js';
import type { Lint } from './lint.js';

function subtreeProblem(subtrees: Subtrees | null, which: string): string | undefined {
  if (!subtrees) return undefined;
  const count =
    subtrees.dns.length + subtrees.ip.length + subtrees.directory.length + subtrees.unsupported.length;
  if (count === 0) return `${which}Subtrees is empty (GeneralSubtrees is SIZE (1..MAX))`;
  for (const base of subtrees.dns) {
    // A dNSName base is a domain name (an empty one matches every name); a leading period is URI syntax.
    const problem = base === '' ? undefined : dnsNameProblem(base);
    if (problem || base.includes('*')) return `${which} dNSName '${base}' ${problem ?? 'has a wildcard'}`;
  }
  for (const { address, mask } of subtrees.ip) {
    const bits = [...mask].map((b) => b.toString(2).padStart(8, '0')).join('');
    if (/01/.test(bits)) return `${which} iPAddress ${formatIpAddress(address)} has a non-contiguous mask`;
    if (address.some((byte, i) => byte & ~mask[i]!))
      return `${which} iPAddress ${formatIpAddress(address)} has host bits outside its mask`;
  }
  return undefined;
}

/**
 * RFC 5280 §4.2.1.10: nameConstraints only in a CA certificate (its criticality is name-constraints-critical),
 * with at least one subtree in each list present, no minimum/maximum (refused on
 * reading), dNSName bases in name syntax (no leading period: that is the URI form) and iPAddress bases as address
 * plus contiguous mask with no host bits.
 */
export const nameConstraintsWellFormed: Lint = {
  name: 'name-constraints-well-formed',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.10',
  appliesTo: 'any',
  check(certificate) {
    const extension = extensionOf(certificate, OID_NAME_CONSTRAINTS);
    if (!extension) return undefined;
    if (!certificate.isCA) return 'nameConstraints on a certificate that is not a CA';
    const nc = certificate.nameConstraints!;
    return subtreeProblem(nc.permitted, 'permitted') ?? subtreeProblem(nc.excluded, 'excluded');
  },
};

import { OID_NAME_CONSTRAINTS, type Subtrees } from '../x509/extensions/name-constraints.js';
import { formatIpAddress } from '../ip-address.js';
import { dnsNameProblem, extensionOf } from './facts.js';
import type { Lint } from './lint.js';

function subtreeProblem(subtrees: Subtrees | null, which: string): string | undefined {
  if (!subtrees) return undefined;
  for (const base of subtrees.dns) {
    const name = base.startsWith('.') ? base.slice(1) : base;
    const problem = name === '' ? undefined : dnsNameProblem(name);
    if (problem || name.includes('*')) return `${which} dNSName '${base}' ${problem ?? 'has a wildcard'}`;
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
 * RFC 5280 §4.2.1.10: nameConstraints only in a CA certificate, critical ("Conforming CAs MUST mark this
 * extension as critical"), with at least one subtree (refused on reading), no minimum/maximum (refused on
 * reading), dNSName bases in name syntax and iPAddress bases as address plus contiguous mask.
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
    if (!extension.critical) return 'nameConstraints is not critical';
    const nc = certificate.nameConstraints!;
    return subtreeProblem(nc.permitted, 'permitted') ?? subtreeProblem(nc.excluded, 'excluded');
  },
};

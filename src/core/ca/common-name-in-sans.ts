import { formatIpAddress, parseIpAddress } from '../../pki/ip-address.js';
import type { IssuanceRequest } from './issuance-request.js';

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

/**
 * The first modifier of the sign options (step-ca's order: modifiers before validators): a common name that is a
 * host name or an IP address and not among the requested SANs joins them, as step-ca and cert-manager do, so that
 * `--cn api.corp.example` alone gives a certificate clients accept and the CN is one of the SANs (BR 7.1.4.3). A CN
 * that is neither stays as it is, for the request-shape check to judge.
 */
export function withCommonNameInSans(request: IssuanceRequest): IssuanceRequest {
  const cn = request.commonName;
  if (cn === null || cn === '') return request;
  const ip = parseIpAddress(cn);
  if (ip !== null) {
    const text = formatIpAddress(ip);
    const known = request.ipAddresses.some((address) => {
      const parsed = parseIpAddress(address);
      return parsed !== null && formatIpAddress(parsed) === text;
    });
    return known ? request : { ...request, ipAddresses: [...request.ipAddresses, text] };
  }
  if (!HOST_NAME.test(cn)) return request;
  const known = request.dnsNames.some((name) => name.toLowerCase() === cn.toLowerCase());
  return known ? request : { ...request, dnsNames: [...request.dnsNames, cn] };
}

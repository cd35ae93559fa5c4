import { apacheKeyPairs } from './apache-config.js';
import type { ConfiguredKeyPair } from './key-pairs.js';
import { nginxKeyPairs } from './nginx-config.js';

/**
 * The certificate-key pairs a text file declares when it is an nginx or Apache httpd configuration (by the
 * directives it holds); none for any other file.
 */
export function configuredKeyPairs(text: string, path: string): ConfiguredKeyPair[] {
  const pairs: ConfiguredKeyPair[] = [];
  if (text.includes('ssl_certificate_key')) pairs.push(...nginxKeyPairs(text, path));
  if (/SSLCertificateKeyFile/i.test(text)) pairs.push(...apacheKeyPairs(text, path));
  return pairs;
}

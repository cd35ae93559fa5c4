import { ContainerCollector } from './container-collector.js';
import { readDer } from './der.js';
import { JCEKS_MAGIC, JKS_MAGIC, readJks } from './jks.js';
import { mayHoldK8sSecret, readK8sSecrets } from './k8s-secret.js';
import { readPem } from './pem.js';
import { WorkBudget, WorkBudgetExceeded } from './work-budget.js';
import type { ContainerFormat, ReadContainerOptions, ReadContainerResult } from './container-types.js';

/**
 * Recognises certificates and private keys by the content of a file — never its name — in PEM, DER, PKCS#7,
 * PKCS#12, Java KeyStore and Kubernetes Secret manifests. No I/O: the scanner reads the file and hands over
 * its bytes. It never throws: every failure is a problem in the result, and recursion, iteration counts and
 * entry counts are bounded so hostile input cannot hang it, and the whole file has a budget (work-budget.ts:
 * certificates, key-derivation rounds and, with a clock, time) whose breach is CUSTOS_FILE_WORK_EXCEEDED.
 *
 * When is a file reported (the noise rule)? An empty file is CUSTOS_FILE_EMPTY. Otherwise a problem is
 * recorded only for input that is evidently meant to be a certificate container: a PEM block of a
 * certificate, key or PKCS#7 label (broken or unterminated), a binary that starts like a certificate,
 * PKCS#7 or PKCS#12 (see der.ts), a keystore magic number, a Kubernetes Secret. Anything else — a README,
 * a YAML file without Secrets, an ELF binary, a CSR or CRL — is `format: null` with no problem, so a scan of
 * /etc does not drown in errors; what to report for `format: null` is the scanner's decision.
 *
 * Speed: a PEM certificate costs two Buffer.indexOf scans, one base64 decode and a tag-and-length walk of a
 * dozen DER nodes; no ASN.1 library is involved for PEM or DER certificates.
 */
export function readContainer(bytes: Uint8Array, options: ReadContainerOptions): ReadContainerResult {
  return read(bytes, options.passwords, new WorkBudget(options.limits), true);
}

function read(
  bytes: Uint8Array,
  passwords: readonly string[],
  budget: WorkBudget,
  manifests: boolean,
): ReadContainerResult {
  const collector = new ContainerCollector(budget);
  let format: ContainerFormat | null = null;
  try {
    format = detectAndRead(bytes, collector, passwords, manifests);
  } catch (error) {
    if (error instanceof WorkBudgetExceeded) {
      // Inside a Secret's entry the budget is the manifest's: it ends the manifest, recorded once at the top.
      if (!manifests) throw error;
      collector.problem(error.code, error.message);
    } else {
      // Readers record their own failures; this is the last line of defence for the never-throw promise.
      collector.failure(error, 'unexpected failure while reading');
    }
  }
  return { format, certificates: collector.certificates, keys: collector.keys, problems: collector.problems };
}

function detectAndRead(
  bytes: Uint8Array,
  collector: ContainerCollector,
  passwords: readonly string[],
  manifests: boolean,
): ContainerFormat | null {
  if (bytes.length === 0) {
    collector.problem('CUSTOS_FILE_EMPTY', 'the file is empty');
    return null;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length >= 4 ? text.readUInt32BE(0) : 0;
  if (magic === JKS_MAGIC || magic === JCEKS_MAGIC) {
    try {
      readJks(bytes, collector, passwords);
    } catch (error) {
      collector.failure(error, 'keystore');
    }
    return 'jks';
  }
  if (bytes[0] === 0x30) return readDer(bytes, collector, passwords);
  // A Secret's entries are read without manifest detection, so a manifest cannot nest manifests.
  if (manifests && mayHoldK8sSecret(text)) {
    const readEntry = (entry: Uint8Array): ReadContainerResult =>
      read(entry, passwords, collector.budget, false);
    if (readK8sSecrets(text, collector, readEntry)) return 'k8s-secret';
  }
  return readPem(bytes, collector, passwords);
}

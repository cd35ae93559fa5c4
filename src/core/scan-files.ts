import { readContainer } from '../pki/formats/read-container.js';
import { PkiFormatError } from '../pki/problem.js';
import { parseCertificate } from '../pki/x509/lean-reader.js';
import { DomainError } from './errors.js';
import { applySightingsUpdate, type LocationObservation } from './inventory/apply-sightings.js';
import { locationKey, type FileLocation } from './inventory/location.js';
import { evaluate } from './evaluation/evaluate.js';
import { foldedArchiveFiles } from './key-pairing/certbot-lineage.js';
import { configuredKeyPairs } from './key-pairing/configured-key-pairs.js';
import type { ConfiguredKeyPair } from './key-pairing/key-pairs.js';
import { orderedMap } from './scan/ordered-map.js';
import { neededPassword, passwordSetDigest } from './scan/passwords-tried.js';
import type { AuditKeyring } from './ports/audit-keyring.js';
import type { Clock } from './ports/clock.js';
import type { FileStat, FileTree } from './ports/file-tree.js';
import type { Store } from './ports/store.js';
import type { FileState } from './ports/inventory-store.js';

/** Certificate containers are small; a file above this size is skipped as `CUSTOS_FILE_TOO_LARGE`. */
export const MAX_CONTAINER_BYTES = 16 * 1024 * 1024;

/** Files read ahead of the parser, so that reads wait on the disk together while the parser takes them in order. */
const READ_AHEAD = 16;

export interface ScanFilesDeps {
  store: Store;
  clock: Clock;
  files: FileTree;
  /** The audit key: a file state remembers the passwords tried as a digest under it (passwords-tried.ts). */
  auditKeys: Pick<AuditKeyring, 'mac'>;
}

export interface ScanFilesInput {
  paths: string[];
  /**
   * Passwords to try on PKCS#12 files and encrypted keys (the empty password is always tried): every source the
   * caller has (--password, --password-file, CUSTOS_PASSWORDS, a profile's passwordsFromEnv), as one set.
   */
  passwords: string[];
  actor: string;
  /** Called now and then while files are read. */
  onProgress?: (progress: { files: number; certificates: number }) => void;
}

export interface ScanError {
  path: string;
  code: string;
  message: string;
}

export interface ScanFilesResult {
  /** Files visited (read, or known unchanged). */
  files: number;
  /** Distinct certificates found in them. */
  certificates: number;
  /** Certificates Custos had never seen before. */
  new: number;
  /** Files not read again because they are unchanged since the last scan. */
  unchanged: number;
  sightingsStarted: number;
  sightingsEnded: number;
  errors: ScanError[];
}

const sameFile = (state: FileState, stat: FileStat): boolean =>
  state.size === stat.size &&
  state.mtimeMs === stat.mtimeMs &&
  state.ctimeMs === stat.ctimeMs &&
  state.inode === stat.inode;

/**
 * Scans file trees into the inventory: every certificate and private key found by content, each file a location.
 * A file unchanged since the last scan (same size, mtime, ctime and inode) is not read again; its sightings are
 * touched and its problems reported again — unless it needed a password (a PKCS#12 no password opened, a key left
 * encrypted) and passwords are given now that are another set than the one it was read with. A file that is gone
 * ends its sightings. All changes land in one transaction with their audit events.
 * The certificate-key pairs web server configurations declare are kept with the configuration file (its key files
 * are judged against its certificates when the inventory is read: src/core/key-pairing/); the archive/ files of a
 * certbot lineage whose live/ links are walked are no locations of their own (certbot-lineage.ts).
 */
export async function scanFiles(deps: ScanFilesDeps, input: ScanFilesInput): Promise<ScanFilesResult> {
  const roots = input.paths.map((p) => deps.files.resolve(p));
  const missing = roots.filter((r) => !deps.files.exists(r));
  if (missing.length > 0) {
    throw new DomainError('CUSTOS_FILE_NOT_FOUND', `no such file or directory: ${missing.join(', ')}`, {
      hint: 'check the path; nothing was scanned',
    });
  }
  const previous = await deps.store.transaction((tx) => tx.inventory.fileStatesUnder(roots));
  const previousByPath = new Map(previous.map((s) => [s.path, s]));

  let errors: ScanError[] = [];
  let observed: LocationObservation[] = [];
  const unchangedPaths = new Set<string>();
  const states: FileState[] = [];
  const walked = new Set<string>();
  const links: Array<{ path: string; linkTarget: string }> = [];
  let configured: ConfiguredKeyPair[] = [];
  const explicitFiles = new Set(roots);
  let files = 0;
  let certificatesRead = 0;

  // A file that needed a password is read again when the passwords are another set than the one it was read with:
  // one of them may open it. Without passwords nothing new can be tried (the empty password always was).
  const passwordsTried = passwordSetDigest(deps.auditKeys, input.passwords);
  const retryPasswords = input.passwords.some((p) => p !== '');
  const unchanged = (stat: FileStat): boolean => {
    const before = previousByPath.get(stat.path);
    if (before === undefined || !sameFile(before, stat)) return false;
    return !(retryPasswords && neededPassword(before.problems) && before.passwordsTried !== passwordsTried);
  };
  const walk = deps.files.walk(roots, { maxFileBytes: MAX_CONTAINER_BYTES });
  for await (const { item, content } of orderedMap(walk, READ_AHEAD, async (item) => ({
    item,
    content:
      item.kind === 'file' && !unchanged(item.stat) ? await loadFile(deps.files, item.stat.path) : null,
  }))) {
    if (item.kind === 'error') {
      errors.push({ path: item.path, code: item.code, message: item.message });
      continue;
    }
    const { stat } = item;
    files += 1;
    walked.add(stat.path);
    if (stat.linkTarget !== undefined) links.push({ path: stat.path, linkTarget: stat.linkTarget });
    if (content === null) {
      unchangedPaths.add(stat.path);
      for (const problem of previousByPath.get(stat.path)?.problems ?? [])
        errors.push({ path: stat.path, ...problem });
      continue;
    }
    const read = readFile(content, stat.path, input.passwords, explicitFiles.has(stat.path), deps.clock);
    states.push({
      ...stat,
      problems: read.problems,
      passwordsTried: neededPassword(read.problems) ? passwordsTried : null,
    });
    for (const problem of read.problems) errors.push({ path: stat.path, ...problem });
    observed.push(...read.observations);
    configured.push(...read.keyPairs);
    certificatesRead += read.certificates;
    if (input.onProgress && files % 1000 === 0) input.onProgress({ files, certificates: certificatesRead });
  }
  input.onProgress?.({ files, certificates: certificatesRead });

  // A certbot lineage is its live/ files: the archive/ versions they link to are not locations of their own (they
  // are still remembered as read, below, so that the next scan does not read them again).
  const folded = foldedArchiveFiles(links, walked);
  if (folded.size > 0) {
    const kept = (path: string): boolean => !folded.has(path);
    for (const path of folded) {
      walked.delete(path);
      unchangedPaths.delete(path);
    }
    files -= folded.size;
    // Their file states stay: an archive version unchanged since the last scan is not read again.
    configured = configured.filter((pair) => kept(pair.source));
    observed = observed.filter((o) => o.location.kind !== 'file' || kept(o.location.path));
    errors = errors.filter((e) => kept(e.path));
  }

  const at = deps.clock.now();
  const observedKeys = new Set(observed.map((o) => locationKey(o.location)));
  const summary = await deps.store.transaction(async (tx) => {
    // A path may hold several locations (a manifest with several Secrets): sort the open ones by what became of
    // their file — unchanged (touch), gone (end), or read again without that location in it (end).
    const open = await tx.inventory.openFileSightingsUnder(roots);
    const gonePaths = new Set(previous.map((s) => s.path).filter((p) => !walked.has(p) && !folded.has(p)));
    const unchangedKeys = new Set<string>();
    const goneKeys = new Set<string>();
    for (const s of open) {
      if (s.location.kind !== 'file') continue;
      const path = s.location.path;
      if (unchangedPaths.has(path)) unchangedKeys.add(s.locationKey);
      else if (!walked.has(path)) {
        goneKeys.add(s.locationKey);
        gonePaths.add(path);
      } else if (!observedKeys.has(s.locationKey)) goneKeys.add(s.locationKey);
    }
    const result = await applySightingsUpdate(tx, at, {
      actor: input.actor,
      observed,
      unchangedLocationKeys: [...unchangedKeys],
      goneLocationKeys: [...goneKeys],
      openSightings: open,
    });
    // The certificates whose sightings changed are evaluated with the change, in the same transaction, linted from
    // the bytes just read.
    const ders = new Map<string, Uint8Array>();
    for (const o of observed) for (const c of o.certificates) ders.set(c.fingerprintSha256, c.der);
    await evaluate({ tx, at, actor: input.actor, ders }, result.changedCertificates);
    await tx.inventory.putFileStates(states);
    await tx.inventory.deleteFileStates([...gonePaths]);
    // The pairs a configuration file declares are replaced when it is read again, dropped when it is gone.
    await tx.inventory.replaceConfiguredKeyPairs(
      [...states.map((state) => state.path), ...gonePaths],
      configured,
    );
    await tx.appendAudit([
      {
        type: 'scan.completed',
        actor: input.actor,
        subject: roots.join(','),
        at,
        data: {
          scanner: 'files',
          roots,
          files,
          certificates: result.certificatesSeen,
          new: result.newCertificates,
          sightingsStarted: result.started,
          sightingsEnded: result.ended,
          errors: errors.length,
        },
      },
    ]);
    return result;
  });

  return {
    files,
    certificates: summary.certificatesSeen,
    new: summary.newCertificates,
    unchanged: unchangedPaths.size,
    sightingsStarted: summary.started,
    sightingsEnded: summary.ended,
    errors,
  };
}

interface FileRead {
  observations: LocationObservation[];
  /** The certificate-key pairs the file declares, when it is a web server's configuration. */
  keyPairs: ConfiguredKeyPair[];
  certificates: number;
  problems: Array<{ code: string; message: string }>;
}

/**
 * Extensions of certificate containers. Files are recognised by content; the name only decides whether a file
 * with nothing recognisable in it is worth reporting. Such a file is reported when it is binary junk, is named like
 * a container (a `.pem` of junk), or was named on the command line; a text file without certificates (a config,
 * a README) is not: a scan of /etc would drown in them.
 */
const CONTAINER_EXTENSIONS =
  /\.(pem|crt|cer|cert|der|key|p7b|p7c|p7|p12|pfx|jks|keystore|truststore|ks|bks)$/i;

/** Git's test for binary content: a NUL byte in the first 8000 bytes. */
function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

type FileProblem = { code: string; message: string };

/** The file's bytes, or the problem that kept it from being read. */
async function loadFile(files: FileTree, path: string): Promise<Uint8Array | FileProblem> {
  try {
    return await files.read(path, MAX_CONTAINER_BYTES);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
}

function readFile(
  content: Uint8Array | FileProblem,
  path: string,
  passwords: string[],
  explicit: boolean,
  clock: Clock,
): FileRead {
  if (!(content instanceof Uint8Array))
    return { observations: [], keyPairs: [], certificates: 0, problems: [content] };
  const bytes = content;
  // The per-file budget (certificates, and time by the scan's clock): its breach is a problem of this file only.
  const container = readContainer(bytes, { passwords, limits: { now: () => clock.now().getTime() } });
  const problems: Array<{ code: string; message: string }> = container.problems.map((p) => ({ ...p }));
  // A web server's configuration declares which key file goes with which certificate file.
  const keyPairs =
    container.format === null && !looksBinary(bytes)
      ? configuredKeyPairs(new TextDecoder().decode(bytes), path)
      : [];
  if (
    container.format === null &&
    problems.length === 0 &&
    keyPairs.length === 0 &&
    (explicit || CONTAINER_EXTENSIONS.test(path) || looksBinary(bytes))
  ) {
    problems.push({
      code: 'CUSTOS_FILE_UNRECOGNISED',
      message:
        'holds no certificate, private key or keystore in any format Custos reads (binary junk or another kind of file)',
    });
  }
  const bySecret = new Map<string, LocationObservation>();
  const observation = (secret: { namespace: string; name: string } | undefined): LocationObservation => {
    const location: FileLocation = secret
      ? { kind: 'file', path, k8sSecret: secret }
      : { kind: 'file', path };
    const key = locationKey(location);
    let o = bySecret.get(key);
    if (!o) bySecret.set(key, (o = { location, certificates: [], keys: [] }));
    return o;
  };
  let certificates = 0;
  for (const entry of container.certificates) {
    try {
      const parsed = parseCertificate(entry.der);
      const o = observation(entry.k8sSecret);
      if (!o.certificates.some((c) => c.fingerprintSha256 === parsed.fingerprintSha256))
        o.certificates.push(parsed);
      certificates += 1;
    } catch (error) {
      if (!(error instanceof PkiFormatError)) throw error;
      problems.push({ code: error.code, message: error.message });
    }
  }
  for (const key of container.keys) observation(key.k8sSecret).keys.push(key.publicKeySha256);
  return { observations: [...bySecret.values()], keyPairs, certificates, problems };
}

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CrlRecord } from '../core/ports/authority-store.js';
import type { Runtime } from './runtime.js';

/** Writes a CA's CRL (DER) where `custos serve` and file-based relying parties find it: `<dataDir>/crl/<ca>.crl`. */
export async function writeCrlFile(rt: Runtime, crl: CrlRecord): Promise<string> {
  const dir = join(resolve(rt.config.dataDir), 'crl');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${crl.authority}.crl`);
  await rt.writeOutputFile(path, crl.der);
  return path;
}

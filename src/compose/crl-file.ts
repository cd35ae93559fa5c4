import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { publishCrl } from '../core/ca/publish-crl.js';
import { parseDuration } from '../core/duration.js';
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

/** What `custos ca crl --json` prints of a CRL published now. */
export interface PublishedCrl {
  ca: string;
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  /** Where it was written: `<dataDir>/crl/<ca>.crl` where it was published. */
  file: string;
}

/** Publishes a CA's next CRL (valid for `ca.crlValidity`) and writes its file; answers the summary and the DER. */
export async function publishCrlFile(
  rt: Runtime,
  authority: string,
): Promise<{ summary: PublishedCrl; der: Uint8Array }> {
  const crl = await publishCrl(rt, {
    authority,
    validityMs: parseDuration(rt.config.ca.crlValidity, 'ca.crlValidity'),
  });
  const file = await writeCrlFile(rt, crl);
  const summary = {
    ca: crl.authority,
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    file,
  };
  return { summary, der: crl.der };
}

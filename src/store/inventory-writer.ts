import type { InventoryWriter } from '../core/ports/inventory-store.js';
import { certificateDers, insertCertificates, knownCertificates } from './certificate-writes.js';
import { KyselyInventoryReader } from './inventory-reader.js';
import { deleteFileStates, fileStatesUnder, putFileStates } from './file-state-queries.js';
import { clearProbeFailures, recordProbeFailures } from './location-probes.js';
import { replaceServedFindings } from './served-findings.js';
import { replaceConfiguredKeyPairs } from './configured-key-pairs.js';
import {
  endSightings,
  openFileSightingsUnder,
  openSightingsAt,
  startSightings,
  touchOpenSightingsAt,
  touchSightings,
} from './sighting-writes.js';
import type { StoreContext } from './store-context.js';

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** `tx.inventory`: the inventory writes of one transaction, each run through the transaction's failure latch. */
export function inventoryWriter(ctx: StoreContext, run: Run): InventoryWriter {
  return {
    listCertificates: (query) =>
      run('listing certificates', () =>
        new KyselyInventoryReader(ctx.db, ctx.dialect).listCertificates(query),
      ),
    knownCertificates: (fingerprints) =>
      run('looking up certificates', () => knownCertificates(ctx, fingerprints)),
    certificateDers: (fingerprints) => run('reading certificates', () => certificateDers(ctx, fingerprints)),
    insertCertificates: (certificates, discoveredAt) =>
      run('storing certificates', () => insertCertificates(ctx, certificates, discoveredAt.getTime())),
    replaceServedFindings: (locationKeys, findings, at) =>
      run('storing served findings', () => replaceServedFindings(ctx, locationKeys, findings, at.getTime())),
    openFileSightingsUnder: (roots) => run('reading sightings', () => openFileSightingsUnder(ctx, roots)),
    openSightingsAt: (locationKeys) => run('reading sightings', () => openSightingsAt(ctx, locationKeys)),
    touchOpenSightingsAt: (locationKeys, at) =>
      run('storing sightings', () => touchOpenSightingsAt(ctx, locationKeys, at.getTime())),
    startSightings: (sightings, at) =>
      run('storing sightings', () => startSightings(ctx, sightings, at.getTime())),
    touchSightings: (sightings, at) =>
      run('updating sightings', () => touchSightings(ctx, sightings, at.getTime())),
    endSightings: (sightings, at, reason) =>
      run('ending sightings', () => endSightings(ctx, sightings, at.getTime(), reason)),
    recordProbeFailures: (failures, at) =>
      run('recording failed probes', () => recordProbeFailures(ctx, failures, at.getTime())),
    clearProbeFailures: (keys) => run('recording probes', () => clearProbeFailures(ctx, keys)),
    fileStatesUnder: (roots) => run('reading file states', () => fileStatesUnder(ctx, roots)),
    putFileStates: (states) => run('storing file states', () => putFileStates(ctx, states)),
    deleteFileStates: (paths) => run('deleting file states', () => deleteFileStates(ctx, paths)),
    replaceConfiguredKeyPairs: (sources, pairs) =>
      run('storing configured key pairs', () => replaceConfiguredKeyPairs(ctx, sources, pairs)),
  };
}

import type { FileLocation } from '../../src/core/inventory/location.js';
import type { ParsedCertificate } from '../../src/pki/x509/parsed-certificate.js';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import {
  aCertificate,
  expiringIn,
  validFrom,
  withFreshKey,
  type CertificateOption,
} from '../support/certificates.js';

const DAY_MS = 86_400_000;
/** The tests' fixed timeline: day(0) is 2026-01-01T00:00:00Z. */
export const T0 = new Date('2026-01-01T00:00:00Z');
export const day = (n: number): Date => new Date(T0.getTime() + n * DAY_MS);

/** A real certificate (with a key of its own, so that key sightings match exactly one), as the scanner reads it. */
export async function certificate(...options: CertificateOption[]): Promise<ParsedCertificate> {
  const built = await aCertificate(withFreshKey(), validFrom(day(-100)), ...options);
  return parseCertificate(built.der);
}

export const expiringOn = (date: Date): CertificateOption => expiringIn(0, { from: date });

export const fileAt = (path: string): FileLocation => ({ kind: 'file', path });

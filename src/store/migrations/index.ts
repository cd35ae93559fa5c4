import { inventory } from './0001-inventory.js';
import { audit } from './0002-audit.js';
import { notifications } from './0003-notifications.js';
import { ownership } from './0004-ownership.js';
import { servedFindings } from './0005-served-findings.js';
import { policyDecisions } from './0006-policy-decisions.js';
import { jobs } from './0007-jobs.js';
import { evaluations } from './0008-evaluations.js';
import { auditKeys } from './0009-audit-keys.js';
import { sealedSecrets } from './0010-sealed-secrets.js';
import { authorities } from './0011-authorities.js';
import { bootstrapTokens } from './0012-bootstrap-tokens.js';
import { managedCertificates } from './0013-managed-certificates.js';
import { issuedRequestKeys } from './0014-issued-request-keys.js';
import { credentials } from './0015-credentials.js';
import { listingIndexes } from './0016-listing-indexes.js';
import { managedRevokeAfter } from './0017-managed-revoke-after.js';
import { locationReachability } from './0018-location-reachability.js';
import { scans } from './0019-scans.js';
import { certificateEku } from './0020-certificate-eku.js';
import { configuredKeyPairs } from './0021-configured-key-pairs.js';
import { rfc4514Names } from './0022-rfc4514-names.js';
import { sightingsByObjectType } from './0023-sightings-by-object-type.js';
import { fileStatePasswords } from './0024-file-state-passwords.js';
import type { StoreMigration } from './store-migration.js';

/**
 * Every migration, in order. They run by name (sorted), so a new one gets the next number and is appended
 * here: `'0003-owners': owners,`.
 */
export const MIGRATIONS: Record<string, StoreMigration> = {
  '0001-inventory': inventory,
  '0002-audit': audit,
  '0003-notifications': notifications,
  '0004-ownership': ownership,
  '0005-served-findings': servedFindings,
  '0006-policy-decisions': policyDecisions,
  '0007-jobs': jobs,
  '0008-evaluations': evaluations,
  '0009-audit-keys': auditKeys,
  '0010-sealed-secrets': sealedSecrets,
  '0011-authorities': authorities,
  '0012-bootstrap-tokens': bootstrapTokens,
  '0013-managed-certificates': managedCertificates,
  '0014-issued-request-keys': issuedRequestKeys,
  '0015-credentials': credentials,
  '0016-listing-indexes': listingIndexes,
  '0017-managed-revoke-after': managedRevokeAfter,
  '0018-location-reachability': locationReachability,
  '0019-scans': scans,
  '0020-certificate-eku': certificateEku,
  '0021-configured-key-pairs': configuredKeyPairs,
  '0022-rfc4514-names': rfc4514Names,
  '0023-sightings-by-object-type': sightingsByObjectType,
  '0024-file-state-passwords': fileStatePasswords,
};

/**
 * Kept only so that imports written before the extensions moved keep compiling (the g-ca branch imports
 * `GeneralNameInput` from here): each extension now lives in one file of src/pki/x509/extensions/ that decodes
 * and encodes it. Import from there; delete this file once nothing imports it.
 */
export type { Extension } from '../extensions/extension-value.js';
export type { RevocationReason } from '../extensions/crl-reason.js';
export type { GeneralNameInput } from '../extensions/subject-alt-name.js';
export type { KeyUsageName } from '../extensions/key-usage.js';
export type { ExtendedKeyUsageName } from '../extensions/extended-key-usage.js';
export type { NameConstraintsInput } from '../extensions/name-constraints.js';

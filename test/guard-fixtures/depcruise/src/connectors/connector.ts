// Allowed: connectors import core and pki.
import type { Thing } from '../core/model.js';
import { b } from '../pki/b.js';
export const connector: Thing[] = [{ name: String(b) }];

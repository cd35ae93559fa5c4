// layer-core: core may not import the store
import { db } from '../store/db.js';
import { a } from '../pki/a.js';
export const rule = (): number => db + a();

// Allowed: a test beside the code may do I/O.
import { readFileSync } from 'node:fs';
export const read = readFileSync;

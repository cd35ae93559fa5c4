// Allowed: a port that imports types only.
import type { Thing } from '../model.js';
import type { rule } from '../rules.js';
export interface TypedPort {
  run(thing: Thing): ReturnType<typeof rule>;
}

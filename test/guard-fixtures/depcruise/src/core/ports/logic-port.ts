// ports-import-no-logic: a port imports a value
import { rule } from '../rules.js';
import type { Thing } from '../model.js';
export interface LogicPort {
  run(thing: Thing): ReturnType<typeof rule>;
}
export const defaultRule = rule;

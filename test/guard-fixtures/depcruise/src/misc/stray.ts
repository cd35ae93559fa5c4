// not-a-layer: src/misc is no layer of DESIGN.md
import { rule } from '../core/rules.js';
export const stray = rule;

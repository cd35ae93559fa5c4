// layer-pki: pki is the lowest layer
import { rule } from '../core/rules.js';
export const up = rule;

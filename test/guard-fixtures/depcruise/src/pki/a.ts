// no-circular: a -> b -> a (a circle of types is a circle too)
import { b } from './b.js';
export const a = (): number => b + 1;

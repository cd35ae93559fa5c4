// not-a-layer-alone: src/lonely is no layer of DESIGN.md, and this file imports nothing
export const alone = 1;

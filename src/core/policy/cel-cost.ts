import type { ASTNode } from '@marcbachmann/cel-js';

/**
 * The evaluation budget of a CEL validation. cel-js has structural limits (AST nodes, depth, literal sizes) but no
 * runtime cost limit, so the cost is bounded here from the AST, as Kubernetes bounds its CEL rules: every node
 * costs 1, and a comprehension (`all`, `exists`, `exists_one`, `map`, `filter`) costs its body once per element of
 * the list it runs over. A list literal holds its own length; any other list (`certificate.subjectAltNames`,
 * `locations`, a `map` result of an unknown list) counts as ASSUMED_LIST_SIZE at apply time and as the largest list
 * of the evaluation's input at run time.
 *
 * Five nested `.all` over a 100-element list (10^10 steps) ran `apply` for minutes and four nested `.map` took 62 s
 * and 2.8 GB; both are above MAX_EVALUATION_COST and refused when applied. A policy stored earlier, or an input with
 * longer lists than assumed, is a `policy-error` finding without being evaluated.
 */
export const MAX_EVALUATION_COST = 1_000_000;

/** What a list of unknown size counts as when an expression is applied. */
export const ASSUMED_LIST_SIZE = 100;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** The nodes directly under a node, wherever its arguments keep them (arrays, map entries). */
function childrenOf(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  const collect = (value: unknown): void => {
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
  };
  collect(node.args);
  return out;
}

/** How many elements a list expression can hold, with `unknown` for lists whose size the AST does not show. */
function sizeOf(node: ASTNode, unknown: number): number {
  if (node.op === 'list') return (node.args as ASTNode[]).length;
  if (node.op === 'rcall') {
    const [name, receiver] = node.args as [string, ASTNode, ASTNode[]];
    if (name === 'map' || name === 'filter') return sizeOf(receiver, unknown);
  }
  return unknown;
}

/** An upper bound on the steps evaluating `node` takes when every list of unknown size holds `listSize` elements. */
export function costBound(node: ASTNode, listSize: number): number {
  if (node.op === 'rcall') {
    const [name, receiver, args] = node.args as [string, ASTNode, ASTNode[]];
    if (COMPREHENSIONS.has(name)) {
      const body = args.slice(1).reduce((sum, arg) => sum + costBound(arg, listSize), 1);
      return 1 + costBound(receiver, listSize) + sizeOf(receiver, listSize) * body;
    }
  }
  return childrenOf(node).reduce((sum, child) => sum + costBound(child, listSize), 1);
}

/** The outermost comprehension whose own bound is above the budget (where to point the user), else the root. */
export function costliestNode(root: ASTNode, listSize: number): ASTNode {
  const queue = [root];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    if (node.op === 'rcall' && COMPREHENSIONS.has((node.args as [string, ASTNode, ASTNode[]])[0])) {
      if (costBound(node, listSize) > MAX_EVALUATION_COST) return node;
    }
    queue.push(...childrenOf(node));
  }
  return root;
}

/**
 * The largest list size at which the expression stays within the budget (Infinity when no list size matters);
 * the bound grows with the list size, so a binary search finds it.
 */
export function listSizeLimit(root: ASTNode): number {
  if (costBound(root, 1) === costBound(root, 2)) return Infinity;
  let low = 0;
  let high = 1 << 30;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (costBound(root, middle) <= MAX_EVALUATION_COST) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The longest list in an evaluation's input: its variables and their fields, two levels deep. */
export function largestList(activation: Readonly<Record<string, unknown>>): number {
  let largest = 0;
  const look = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      largest = Math.max(largest, value.length);
      if (depth > 0) for (const item of value.slice(0, 1)) look(item, depth - 1);
    } else if (typeof value === 'object' && value !== null && depth > 0 && !(value instanceof Date)) {
      for (const field of Object.values(value)) look(field, depth - 1);
    }
  };
  for (const value of Object.values(activation)) look(value, 2);
  return largest;
}

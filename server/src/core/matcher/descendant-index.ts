/**
 * The descendants of a syntax node of the types the matcher reads (assignments, declarations,
 * calls, returns, loops…), from one tree walk per node. Node.descendantsOfType walks the node and
 * maps the grammar's ~360 type names to symbols on every call, and the matcher asked it up to a
 * dozen times per function body (once per name for some readers) and six times per statement for
 * each acquisition followed through it; this asks it once per node and keeps the nodes.
 * descendantsOf(node, types) gives the same nodes in the same (document) order as
 * node.descendantsOfType(types). Kept per Node object (a WeakMap): an analysis hands every reader
 * the same object for a function's body (FunctionInfo.body) and for a CFG node's syntax
 * (CfgNode.ast). Asked by aliases, fields, function reads, loops, switch cases, pin conditions,
 * summaries, node events and the rules that read a whole body.
 */
import type { Node } from '../parser.ts';

/**
 * The types, walked together (one walk that marshals them all costs less than a second walk for
 * the calls alone, which every function that names a table call has read).
 */
const INDEXED_TYPES = [
  'assignment_expression',
  'init_declarator',
  'pointer_expression',
  'update_expression',
  'call_expression',
  'declaration',
  'return_statement',
  'for_statement',
  'while_statement',
  'do_statement',
] as const;

export type IndexedNodeType = (typeof INDEXED_TYPES)[number];

interface DescendantIndex {
  all: readonly Node[];
  types: readonly string[];
  byType: Map<string, Node[]>;
}

const indexes = new WeakMap<Node, DescendantIndex>();

function indexOf(node: Node): DescendantIndex {
  let index = indexes.get(node);
  if (index) return index;
  const all = node.descendantsOfType([...INDEXED_TYPES]).filter((n): n is Node => n !== null);
  const types = all.map((n) => n.type);
  const byType = new Map<string, Node[]>();
  all.forEach((n, i) => {
    let list = byType.get(types[i]!);
    if (!list) byType.set(types[i]!, (list = []));
    list.push(n);
  });
  indexes.set(node, (index = { all, types, byType }));
  return index;
}

const NONE: readonly Node[] = Object.freeze([]);

/** node.descendantsOfType(types) (the node itself included when it is of one of them), shared: do not change it. */
export function descendantsOf(node: Node, types: IndexedNodeType | readonly IndexedNodeType[]): readonly Node[] {
  const index = indexOf(node);
  if (typeof types === 'string') return index.byType.get(types) ?? NONE;
  if (types.length === 1) return index.byType.get(types[0]!) ?? NONE;
  const wanted = new Set<string>(types);
  return index.all.filter((_, i) => wanted.has(index.types[i]!));
}

/**
 * A function body's nodes of the types the matcher reads body-wide (assignments, declarations,
 * calls, returns, loops…), from one tree walk per body. Node.descendantsOfType walks the body and
 * maps the grammar's ~360 type names to symbols on every call, and the matcher asked it up to a
 * dozen times per body (once per name for some readers); this asks it once and keeps the nodes.
 * bodyNodes(body, types) gives the same nodes in the same (document) order as
 * body.descendantsOfType(types). Kept per Node object (a WeakMap): an analysis hands every reader
 * the same body object (FunctionInfo.body). Asked by aliases, fields, function reads, loops,
 * switch cases, pin conditions, summaries and the rules that read a whole body.
 */
import type { Node } from '../parser.ts';

const BODY_TYPES = [
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

export type BodyNodeType = (typeof BODY_TYPES)[number];

interface BodyIndex {
  all: readonly Node[];
  types: readonly string[];
  byType: Map<string, Node[]>;
}

const indexes = new WeakMap<Node, BodyIndex>();

function indexOf(body: Node): BodyIndex {
  let index = indexes.get(body);
  if (index) return index;
  const all = body.descendantsOfType([...BODY_TYPES]).filter((n): n is Node => n !== null);
  const types = all.map((n) => n.type);
  const byType = new Map<string, Node[]>();
  all.forEach((n, i) => {
    let list = byType.get(types[i]!);
    if (!list) byType.set(types[i]!, (list = []));
    list.push(n);
  });
  indexes.set(body, (index = { all, types, byType }));
  return index;
}

const NONE: readonly Node[] = Object.freeze([]);

/** body.descendantsOfType(types) (the body itself included when it is of one of them), shared: do not change it. */
export function bodyNodes(body: Node, types: BodyNodeType | readonly BodyNodeType[]): readonly Node[] {
  const index = indexOf(body);
  if (typeof types === 'string') return index.byType.get(types) ?? NONE;
  if (types.length === 1) return index.byType.get(types[0]!) ?? NONE;
  const wanted = new Set<string>(types);
  return index.all.filter((_, i) => wanted.has(index.types[i]!));
}

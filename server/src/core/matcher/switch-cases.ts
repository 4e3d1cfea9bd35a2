/**
 * Which `switch` cases a statement runs under: `switch (cmd) { case A: case B: stmt; break; }`
 * runs `stmt` for cmd == A or B. Used to judge a helper that releases one way or the other per
 * `cmd` against the caller's acquisition under the same `cmd` (summaries.ts, function-facts.ts).
 */
import type { Node } from '../parser.ts';
import { squash, unwrap } from './syntax.ts';
import { descendantsOf } from './descendant-index.ts';

const JUMPS = new Set(['break_statement', 'return_statement', 'goto_statement', 'continue_statement']);

/** The last statement of a case (or block), comments and the case value aside. */
function lastStatement(n: Node): Node | undefined {
  const value = n.childForFieldName('value');
  const kids = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment' && c.id !== value?.id);
  return kids[kids.length - 1];
}

/** Whether control leaves a case at its end (no fall-through into the next one). */
function endsWithJump(n: Node): boolean {
  const last = lastStatement(n);
  if (!last) return false;
  if (JUMPS.has(last.type)) return true;
  return last.type === 'compound_statement' && endsWithJump(last);
}

/**
 * The case values a case runs for: its own and those of the cases that fall into it (`case A:
 * case B:`, or a case without a jump at its end). Undefined when `default` reaches it: then it
 * runs for values no one listed.
 */
export function caseValues(caseStmt: Node): string[] | undefined {
  const values: string[] = [];
  for (let c: Node | null = caseStmt; c;) {
    const value = c.childForFieldName('value');
    if (!value) return undefined;
    values.push(squash(unwrap(value).text));
    let prev: Node | null = c.previousNamedSibling;
    while (prev?.type === 'comment') prev = prev.previousNamedSibling;
    if (!prev || prev.type !== 'case_statement' || endsWithJump(prev)) break;
    c = prev;
  }
  return values;
}

/**
 * For each switch around `node` (below `top`), its selector's text and the case values under
 * which `node` runs (innermost switch first on the same selector). A selector that is tested in
 * `default` or whose case cannot be read is absent.
 */
export function enclosingCases(node: Node, top: Node): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let p = node.parent; p && p.id !== top.id; p = p.parent) {
    if (p.type !== 'case_statement') continue;
    const sw = p.parent?.parent;
    if (sw?.type !== 'switch_statement') continue;
    const cond = sw.childForFieldName('condition');
    if (!cond) continue;
    const selector = squash(unwrap(cond).text);
    if (out.has(selector)) continue;
    const values = caseValues(p);
    if (values) out.set(selector, values);
  }
  return out;
}

/** Whether `name` is assigned, incremented or has its address taken anywhere in `body`. */
export function isReassigned(body: Node, name: string): boolean {
  for (const n of descendantsOf(body, ['assignment_expression', 'update_expression', 'pointer_expression'])) {
    if (n.type === 'pointer_expression' && n.childForFieldName('operator')?.text !== '&') continue;
    const target = n.type === 'assignment_expression' ? n.childForFieldName('left') : n.childForFieldName('argument');
    const u = target ? unwrap(target) : undefined;
    if (u?.type === 'identifier' && u.text === name) return true;
  }
  return false;
}

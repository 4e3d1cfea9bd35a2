/**
 * Loops that release an array one page at a time: `for (i = 0; i < n; i++) put_page(pages[i]);`,
 * `while (i--) unpin_user_page(pages[i]);`, optionally dirtying each page first.
 */
import { findRelease } from '../api-table.ts';
import type { Node } from '../parser.ts';
import type { ReleaseSite } from '../matcher/sites.ts';
import { enclosingLoop, forHeader, whileCountdown } from '../matcher/loops.ts';
import { callArguments, calleeName, squash, unwrap } from '../matcher/syntax.ts';

export { enclosingLoop };

export interface ReleaseLoop {
  loop: Node;
  index: string;
  /** Number of elements released: `n` of `i < n`, or `i` of `while (i--)`. */
  count: Node | string;
  /** The array released (as written). */
  array: Node;
  release: Node;
  /** Dirtying folded into the loop: `true`, a condition's text, or undefined. */
  dirty?: string;
}

/** The bound of the loop around a single release of `X[i]` (for release-count). */
export function releaseLoopBound(rel: ReleaseSite): Node | undefined {
  if (rel.kind.batch) return undefined;
  const loop = enclosingLoop(rel.call);
  if (!loop || loop.type !== 'for_statement') return undefined;
  const h = forHeader(loop);
  const obj = rel.objectNode ? unwrap(rel.objectNode) : undefined;
  if (!h || obj?.type !== 'subscript_expression') return undefined;
  if (squash(obj.childForFieldName('index')?.text ?? '') !== h.index) return undefined;
  return h.bound;
}

/** Parses a loop whose body only releases X[i] (and maybe dirties it first). */
export function parseReleaseLoop(loop: Node): ReleaseLoop | undefined {
  let index: string | undefined;
  let count: Node | string | undefined;
  if (loop.type === 'for_statement') {
    const h = forHeader(loop);
    if (h) ({ index, bound: count } = { index: h.index, bound: h.bound });
  } else {
    index = whileCountdown(loop);
    count = index;
  }
  if (!index || count === undefined) return undefined;
  const body = loop.childForFieldName('body');
  if (!body) return undefined;
  const stmts =
    body.type === 'compound_statement'
      ? body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
      : [body];
  let release: Node | undefined;
  let array: Node | undefined;
  let dirty: string | undefined;
  const elementCall = (stmt: Node): { call: Node; name: string; array: Node } | undefined => {
    if (stmt.type !== 'expression_statement') return undefined;
    const call = stmt.namedChildren[0] ? unwrap(stmt.namedChildren[0]) : undefined;
    if (call?.type !== 'call_expression') return undefined;
    const name = calleeName(call);
    const args = callArguments(call);
    const arg = args[0] ? unwrap(args[0]) : undefined;
    if (!name || args.length !== 1 || arg?.type !== 'subscript_expression') return undefined;
    if (squash(arg.childForFieldName('index')?.text ?? '') !== index) return undefined;
    return { call, name, array: arg.childForFieldName('argument')! };
  };
  for (const [i, stmt] of stmts.entries()) {
    const last = i === stmts.length - 1;
    if (last) {
      const e = elementCall(stmt);
      const spec = e && findRelease(e.name);
      if (!e || !spec || spec.batch || spec.object !== 'page') return undefined;
      release = e.call;
      array = e.array;
    } else if (i === 0 && stmts.length === 2) {
      // set_page_dirty_lock(X[i]); or if (cond) set_page_dirty_lock(X[i]);
      let inner = stmt;
      let cond: string | undefined;
      if (stmt.type === 'if_statement' && !stmt.childForFieldName('alternative')) {
        cond = unwrap(stmt.childForFieldName('condition')!).text;
        const cons = stmt.childForFieldName('consequence')!;
        const list =
          cons.type === 'compound_statement'
            ? cons.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
            : [cons];
        if (list.length !== 1) return undefined;
        inner = list[0]!;
      }
      const e = elementCall(inner);
      if (!e || e.name !== 'set_page_dirty_lock') return undefined;
      dirty = cond ?? 'true';
    } else return undefined;
  }
  if (!release || !array) return undefined;
  return { loop, index, count, array, release, dirty };
}

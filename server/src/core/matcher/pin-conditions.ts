/**
 * Acquisitions that pin only sometimes (domain.md §3: iov_iter_extract_pages() pins exactly when
 * iov_iter_extract_will_pin() is true, for user-backed iterators, and takes no reference
 * otherwise). What each release of their pages needs is read from the test around it:
 * - under `if (iov_iter_extract_will_pin(iter))` (or a variable or field assigned from it): pins;
 * - under its negation: no reference was taken; nothing to judge here;
 * - under no condition at all, in a function that never asks: a plain reference drop (put_page)
 *   is wrong either way (pinned pages want unpin_user_page; the others hold no reference), an
 *   unpin may be right (the iterator may always be user-backed): not judged;
 * - under any other condition: undecidable, quiet.
 */
import type { NeededClass, ReleaseClass } from '../api-table.ts';
import type { Node } from '../parser.ts';
import { callArguments, calleeName, declaratorName, isInside, squash, unwrap } from './syntax.ts';
import { descendantsOf } from './descendant-index.ts';

export interface ConditionalNeed {
  need: NeededClass;
  /** `willPin`: under the pin test; `always`: no test around a plain reference drop. */
  why: 'willPin' | 'always';
}

/** Names (variables, fields as written) assigned the result of the pin test `test`. */
function testHolders(body: Node, test: string): Set<string> {
  const out = new Set<string>();
  for (const a of descendantsOf(body, ['assignment_expression', 'init_declarator'])) {
    const isDecl = a.type === 'init_declarator';
    const right = isDecl ? a.childForFieldName('value') : a.childForFieldName('right');
    const left = isDecl ? a.childForFieldName('declarator') : a.childForFieldName('left');
    const r = right ? unwrap(right) : undefined;
    if (!r || !left || r.type !== 'call_expression' || calleeName(r) !== test) continue;
    const name = isDecl ? declaratorName(left) : squash(unwrap(left).text);
    if (name) out.add(name);
  }
  return out;
}

/** Whether `cond` is the pin test (true), its negation (false), or something else (undefined). */
function pinTest(cond: Node, test: string, holders: ReadonlySet<string>): boolean | undefined {
  const u = unwrap(cond);
  if (u.type === 'unary_expression' && u.childForFieldName('operator')?.text === '!') {
    const arg = u.childForFieldName('argument');
    const inner = arg ? pinTest(arg, test, holders) : undefined;
    return inner === undefined ? undefined : !inner;
  }
  if (u.type === 'call_expression') {
    const name = calleeName(u);
    const args = callArguments(u);
    if (name === test) return true;
    if ((name === 'likely' || name === 'unlikely') && args.length === 1) return pinTest(args[0]!, test, holders);
    return undefined;
  }
  if ((u.type === 'identifier' || u.type === 'field_expression') && holders.has(squash(u.text))) return true;
  return undefined;
}

/**
 * For each release (by index) of pages from an acquisition that pins when `test` is true: the
 * release kind it needs, when that can be decided (see the module comment).
 */
export function conditionalNeeds(
  body: Node,
  acquisition: Node,
  test: string,
  releases: ReadonlyArray<{ index: number; call: Node; cls: ReleaseClass }>,
): Map<number, ConditionalNeed> {
  const out = new Map<number, ConditionalNeed>();
  const holders = testHolders(body, test);
  const asks = body.text.includes(test);
  for (const r of releases) {
    let willPin: boolean | undefined;
    let conditional = false;
    let child: Node = r.call;
    for (let p = r.call.parent; p && p.id !== body.id; child = p, p = p.parent) {
      if (isInside(acquisition, p)) break; // a test around the acquisition too decides nothing here
      if (p.type === 'if_statement') {
        const cond = p.childForFieldName('condition');
        if (!cond || child.id === cond.id) {
          conditional = true;
          continue;
        }
        const inAlt = p.childForFieldName('alternative')?.id === child.id || child.type === 'else_clause';
        const t = pinTest(cond, test, holders);
        if (t !== undefined) {
          willPin = t !== inAlt;
          break;
        }
        conditional = true;
      } else if (
        p.type === 'conditional_expression' ||
        p.type === 'case_statement' ||
        p.type === 'binary_expression' // `a && put_page(p)`
      ) {
        conditional = true;
      }
    }
    if (willPin === true) out.set(r.index, { need: 'pin', why: 'willPin' });
    else if (willPin === undefined && !conditional && !asks && r.cls !== 'pin' && r.cls !== 'matching')
      out.set(r.index, { need: 'pin', why: 'always' });
  }
  return out;
}

/**
 * What the summaries (summaries.ts) read of one function, each read once per function text through
 * its memo (function-memo.ts): a call site's storage facts for a kind (SiteFacts), the names it
 * returns, whether a wrapper writes its page to another parameter, the parameter an array
 * wrapper writes its count to, the `switch` cases around a call and whether a selector changes. The fixpoint's rounds, and later analyses of an unchanged function
 * in the language server, ask again and get the same answer without walking the tree.
 */
import type { Node } from '../parser.ts';
import {
  acquisitionSite,
  helperReleaseOf,
  releaseSite,
  type AcquisitionKind,
  type HelperRelease,
  type ReleaseKind,
  type ResultUse,
} from './sites.ts';
import { shiftRange } from './plain-sites.ts';
import type { FunctionInfo } from './summaries.ts';
import { enclosingCases, isReassigned } from './switch-cases.ts';
import { localNames, storageKey, unwrap } from './syntax.ts';
import { descendantsOf } from './descendant-index.ts';

/**
 * For an acquisition into a local array that the function returns: the parameter its count is
 * written to (`*nr = got`, `*nr = npages` for the requested count), if there is exactly one.
 */
export function countOutParam(fn: FunctionInfo, site: SiteFacts): number | undefined {
  const key = site.key;
  if (!key || !/^\w+$/.test(key) || fn.params.includes(key) || !returnsVariable(fn, key)) return undefined;
  if (!localNames(fn.body).has(key)) return undefined;
  const counts = new Set<string>();
  if (site.resultVar) counts.add(site.resultVar);
  if (site.countName !== undefined) counts.add(site.countName);
  const out = new Set<number>();
  for (const a of descendantsOf(fn.body, 'assignment_expression')) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || !right || a.childForFieldName('operator')?.text !== '=') continue;
    const l = unwrap(left);
    if (l.type !== 'pointer_expression' || l.childForFieldName('operator')?.text !== '*') continue;
    const target = l.childForFieldName('argument');
    const p = target && unwrap(target).type === 'identifier' ? fn.params.indexOf(unwrap(target).text) : -1;
    const r = unwrap(right);
    if (p >= 0 && r.type === 'identifier' && counts.has(r.text)) out.add(p);
  }
  return out.size === 1 ? [...out][0] : undefined;
}

/**
 * What the summaries read of an acquisition or release site (its storage key, the count's
 * variable, how the result is used), kept in the function's memo: the same text and the same
 * kind give the same facts, so the fixpoint's rounds and later analyses of an unchanged function
 * read them once.
 */
export interface SiteFacts {
  key?: string;
  /** The count argument when it is a plain variable (`n`), for a count parameter. */
  countName?: string;
  use?: ResultUse;
  resultVar?: string;
  single?: boolean;
}

function countNameOf(node: Node | undefined): string | undefined {
  const u = node ? unwrap(node) : undefined;
  return u?.type === 'identifier' ? u.text : undefined;
}

export function releaseFacts(fn: FunctionInfo, ci: number, kind: ReleaseKind): SiteFacts {
  const memo = (fn.memo.sites ??= new Map<string, SiteFacts>());
  const k = `r${ci}|${kind.name}|${kind.objectIndex}|${kind.countIndex ?? ''}|${kind.inner ? 'i' : ''}`;
  let f = memo.get(k);
  if (!f) {
    const site = releaseSite(fn.calls[ci]!, kind, fn.aliases);
    memo.set(k, (f = { key: site.key, countName: countNameOf(site.countNode) }));
  }
  return f;
}

/**
 * Where call `ci` is, for a helper's summary (helperReleaseOf), read once per function text and
 * start column: kept at rows relative to the function, given at the rows it has now.
 */
export function helperReleaseAt(fn: FunctionInfo, ci: number): HelperRelease {
  const row = fn.node.startPosition.row;
  const memo = (fn.memo.callAt ??= new Map<number, HelperRelease>());
  let at = memo.get(ci);
  if (!at) memo.set(ci, (at = shiftRelease(helperReleaseOf(fn.calls[ci]!), -row)));
  return shiftRelease(at, row);
}

function shiftRelease(r: HelperRelease, delta: number): HelperRelease {
  return { ...r, nameRange: shiftRange(r.nameRange, delta), callRange: shiftRange(r.callRange, delta) };
}

export function acquisitionFacts(fn: FunctionInfo, ci: number, kind: AcquisitionKind): SiteFacts {
  const memo = (fn.memo.sites ??= new Map<string, SiteFacts>());
  // A table kind's arguments (byArgc) are its name's; a wrapper's are an index or none.
  const arg = (a: AcquisitionKind['pagesArg']) => ('at' in a ? a.at : 'none' in a ? '-' : 't');
  const k = `a${ci}|${kind.name}|${arg(kind.pagesArg)}|${arg(kind.countArg)}|${kind.returns}|${kind.single}|${kind.pagesByReference}`;
  let f = memo.get(k);
  if (!f) {
    const site = acquisitionSite(fn.calls[ci]!, kind, fn.aliases);
    memo.set(
      k,
      (f = {
        key: site.key,
        countName: countNameOf(site.countNode),
        use: site.use,
        resultVar: site.resultVar,
        single: site.single,
      }),
    );
  }
  return f;
}

/** `*pfn = page_to_pfn(pages[0])`: the pages parameter's page written to another parameter. */
export function passesPagesOn(fn: FunctionInfo, pagesParam: string): boolean {
  const memo = (fn.memo.passesOn ??= new Map<string, boolean>());
  let hit = memo.get(pagesParam);
  if (hit === undefined) {
    hit = descendantsOf(fn.body, 'assignment_expression').some((a) => {
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (!left || !right || unwrap(left).type !== 'pointer_expression') return false;
      const target = storageKey(left);
      if (!target || target === pagesParam || !fn.params.includes(target)) return false;
      return right.descendantsOfType('identifier').some((i) => i?.text === pagesParam);
    });
    memo.set(pagesParam, hit);
  }
  return hit;
}

/** Whether the function returns the variable `name` (`return pages;`). */
export function returnsVariable(fn: FunctionInfo, name: string): boolean {
  if (!fn.memo.returned) {
    const out = new Set<string>();
    for (const r of descendantsOf(fn.body, 'return_statement')) {
      const e = r.namedChildren.find((c) => c?.type !== 'comment');
      if (e && unwrap(e).type === 'identifier') out.add(unwrap(e).text);
    }
    fn.memo.returned = out;
  }
  return fn.memo.returned.has(name);
}

/** The `switch` cases around call `ci`, by selector (switch-cases.ts enclosingCases). */
export function casesAround(fn: FunctionInfo, ci: number): Map<string, string[]> {
  const memo = (fn.memo.cases ??= new Map<number, Map<string, string[]>>());
  let m = memo.get(ci);
  if (!m) memo.set(ci, (m = enclosingCases(fn.calls[ci]!, fn.body)));
  return m;
}

/** Whether `name` is assigned in the function (a selector that changes selects nothing). */
export function selectorReassigned(fn: FunctionInfo, name: string): boolean {
  const memo = (fn.memo.reassigned ??= new Map<string, boolean>());
  let hit = memo.get(name);
  if (hit === undefined) memo.set(name, (hit = isReassigned(fn.body, name)));
  return hit;
}

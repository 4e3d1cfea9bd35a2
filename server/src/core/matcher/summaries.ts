/**
 * Same-file summaries (domain.md §5): a function that releases one of its parameters is a
 * release at its call sites; a function that acquires into a parameter (or returns the page) and
 * returns the count is an acquisition at its call sites, and so is one that acquires into a local
 * array and returns the array (or ERR_PTR) with the count in an out-parameter (`returns: 'array'`).
 * Computed to a fixpoint, so helpers of helpers and wrappers of wrappers are followed.
 */
import { isTableFunction } from '../api-table.ts';
import type { Node } from '../parser.ts';
import { Aliases } from './aliases.ts';
import type { FunctionMemoEntry } from './function-memo.ts';
import {
  acquisitionFacts,
  casesAround,
  countOutParam,
  helperReleaseAt,
  passesPagesOn,
  releaseFacts,
  returnsVariable,
  selectorReassigned,
} from './function-reads.ts';
import {
  acquisitionKindFromTable,
  argAt,
  releaseKindFromTable,
  type AcquisitionKind,
  type CaseReleases,
  type HelperRelease,
  type ReleaseKind,
} from './sites.ts';
import { calleeName, collectCalls, functionName, parameterNames } from './syntax.ts';

export interface FunctionInfo {
  node: Node;
  body: Node;
  name: string;
  params: string[];
  /** Read on first use: an unchanged function's sites come from its memo, not its nodes. */
  readonly calls: Node[];
  /** Callee name of each call (same order; '' when not a plain name), from the memo. */
  callNames: string[];
  /** Read on first use (a function whose calls all miss the table never needs them). */
  readonly aliases: Aliases;
  /** What the function's text alone decides, shared with earlier analyses of the same text. */
  memo: FunctionMemoEntry;
}

export class FileSummaries {
  /** helper name → parameter index → how it is released. */
  readonly helperReleases = new Map<string, Map<number, ReleaseKind>>();
  /** wrapper name → the acquisition it performs for its caller. */
  readonly wrappers = new Map<string, AcquisitionKind>();

  acquisitionKind(name: string): AcquisitionKind | undefined {
    return acquisitionKindFromTable(name) ?? this.wrappers.get(name);
  }

  /** Release kinds of a call: a table release (one) or a helper (per parameter). */
  releaseKinds(name: string): ReleaseKind[] {
    const table = releaseKindFromTable(name);
    if (table) return [table];
    const helper = this.helperReleases.get(name);
    return helper ? [...helper.values()] : [];
  }

  /**
   * A stable text of the summaries of the functions `names` (the callees of one function), for
   * its cache key: a function's result depends on what the helpers and wrappers it calls do, not
   * on the rest of the file. Positions are rows relative to `row` (the function being cached), so
   * moving the whole file region keeps the key. Linear in the calls, not in the file.
   */
  signatureFor(names: Iterable<string>, row: number): string {
    // A helper in another file does not move with this function: its place is absolute.
    const at = (r?: HelperRelease) =>
      r
        ? `${r.file ? `${r.file}:${r.nameRange.start.line}` : r.nameRange.start.line - row}.${r.nameRange.start.column}`
        : '';
    const out = new Set<string>();
    for (const n of names) {
      const h = this.helperReleases.get(n);
      const cases = (k: ReleaseKind) =>
        k.byCase
          ? `[${k.byCase.selector}:${k.byCase.cases.map((c) => `${c.value}=${c.kind ? `${c.kind.cls}${c.kind.spec.name}${c.kind.countIndex ?? ''}${at(c.kind.inner)}` : '?'}`).join(';')}]`
          : '';
      // Everything of a kind that a caller's result can show: its class or family, its arguments,
      // the release it makes (messages name it), where, and what it wraps.
      if (h)
        out.add(
          `${n}:${[...h].map(([i, k]) => `${i}${k.cls}${k.spec.name}${k.countIndex ?? ''}${at(k.inner)}${cases(k)}`).join(',')}`,
        );
      const k = this.wrappers.get(n);
      if (k)
        out.add(
          `${n}:${k.family}${k.returns}${argAt(k.pagesArg, 99) ?? ''}/${argAt(k.countArg, 99) ?? ''}${k.allOrNothing ? 'A' : ''}${k.trackLeaks ? 'T' : ''}${k.single ? 'S' : ''}${k.pagesByReference ? 'R' : ''}>${k.wraps ?? ''}${k.pinsWhen ?? ''}${k.file ?? ''}`,
        );
    }
    return [...out].sort().join('|');
  }
}

/**
 * Adds what other files' functions do (`other`, the ownership index's extern functions) for the
 * names this file does not define: a call here to a helper in util.c is judged as a same-file one.
 * The API's own functions are the table's (mm/gup.c defines get_user_pages(), which also releases
 * on its error paths; mm/slob.c defines kfree()): never a helper or wrapper by what their bodies do.
 */
export function mergeSummaries(
  own: FileSummaries,
  other: FileSummaries | undefined,
  defined: ReadonlySet<string>,
): void {
  if (!other) return;
  const takes = (name: string) => !defined.has(name) && !isTableFunction(name);
  for (const [name, m] of other.helperReleases)
    if (takes(name) && !own.helperReleases.has(name)) own.helperReleases.set(name, m);
  for (const [name, k] of other.wrappers) if (takes(name) && !own.wrappers.has(name)) own.wrappers.set(name, k);
}

/**
 * The calls of `fn` a summary can follow, in order: those naming a table release or acquisition
 * (read once per function text) and those naming a function of `local` (the only helpers and
 * wrappers a round can find). Every other call is skipped by both loops below.
 */
function followedCalls(fn: FunctionInfo, local: ReadonlySet<string>): number[] {
  const names = fn.callNames;
  const table = (fn.memo.tableCalls ??= names.flatMap((n, ci) =>
    n && (releaseKindFromTable(n) || acquisitionKindFromTable(n)) ? [ci] : [],
  ));
  const out: number[] = [];
  let t = 0;
  for (let ci = 0; ci < names.length; ci++) {
    const isTable = table[t] === ci;
    if (isTable) t++;
    const name = names[ci]!;
    if (name && name !== fn.name && (isTable || local.has(name))) out.push(ci);
  }
  return out;
}

export function computeSummaries(functions: FunctionInfo[]): FileSummaries {
  const s = new FileSummaries();
  const local = new Set(functions.map((fn) => fn.name));
  const followed = new Map(functions.map((fn) => [fn, followedCalls(fn, local)]));
  /** Helper parameters released both ways (e.g. per a flag): not helpers we can judge. */
  const mixed = new Set<string>();
  /** Each helper parameter's release calls, to judge per `switch` case when released both ways. */
  const releaseCalls = new Map<string, Map<number, { ci: number; kind: ReleaseKind }>>();
  /** Released both ways through a helper that does: no case of ours to read. */
  const throughMixed = new Set<string>();
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const fn of functions) {
      if (fn.params.length === 0) continue;
      // Releases of a parameter.
      // Only the followed calls, and no kinds array for a call that releases nothing: this runs at
      // every round of every keystroke.
      const callsFollowed = followed.get(fn)!;
      for (const ci of callsFollowed) {
        const name = fn.callNames[ci]!;
        const table = releaseKindFromTable(name);
        const helper = table ? undefined : s.helperReleases.get(name);
        if (!table && !helper) continue;
        const kinds: Array<[ReleaseKind, number, boolean]> = table
          ? [[table, table.objectIndex, false]]
          : [...helper!].map(([idx, k]) => [k, idx, mixed.has(`${name}#${idx}`)]);
        for (const [kind, argIndex, kindMixed] of kinds) {
          const site = releaseFacts(fn, ci, kind.objectIndex === argIndex ? kind : { ...kind, objectIndex: argIndex });
          const p = site.key ? fn.params.indexOf(site.key) : -1;
          if (p < 0) continue;
          let m = s.helperReleases.get(fn.name);
          if (!m) s.helperReleases.set(fn.name, (m = new Map<number, ReleaseKind>()));
          const prev = m.get(p);
          // `unpin_user_pages(p, n)` with `n` a parameter: callers pass the count at that index.
          const countParam = site.countName !== undefined ? fn.params.indexOf(site.countName) : -1;
          const next: ReleaseKind = {
            name: fn.name,
            cls: kind.cls,
            objectIndex: p,
            countIndex: countParam >= 0 ? countParam : undefined,
            batch: true,
            spec: kind.spec,
            inner: kind.inner ?? helperReleaseAt(fn, ci),
          };
          const key = `${fn.name}#${p}`;
          if (kindMixed) throughMixed.add(key);
          let calls = releaseCalls.get(key);
          if (!calls) releaseCalls.set(key, (calls = new Map<number, { ci: number; kind: ReleaseKind }>()));
          calls.set(ci, { ci, kind: next });
          // `if (user) unpin_user_page(p); else __free_page(p);`: the free is for the kernel's
          // own pages, the other release for user pages: the helper releases user pages that way.
          const freeAndOther = !!prev && prev.cls !== kind.cls && (prev.cls === 'free' || kind.cls === 'free');
          if (!prev || (freeAndOther && prev.cls === 'free')) {
            m.set(p, next);
            changed = true;
          }
          // Released both ways (here, or by a helper that does): mixed, and so is every caller.
          if ((kindMixed || (prev && prev.cls !== kind.cls && !freeAndOther)) && !mixed.has(key)) {
            mixed.add(key);
            changed = true;
          }
        }
      }
      // Acquisitions for the caller.
      if (s.wrappers.has(fn.name)) continue;
      for (const ci of callsFollowed) {
        const name = fn.callNames[ci]!;
        const kind = s.acquisitionKind(name);
        if (!kind) continue;
        const site = acquisitionFacts(fn, ci, kind);
        const returnsResult =
          site.use === 'returned' || (site.resultVar !== undefined && returnsVariable(fn, site.resultVar));
        const p = site.key ? fn.params.indexOf(site.key) : -1;
        const countParam = site.countName !== undefined ? fn.params.indexOf(site.countName) : -1;
        if (p >= 0 && returnsResult && (kind.returns === 'count' || kind.returns === 'bool')) {
          const releasesOwn = fn.callNames.some((n, ci) => {
            const rk = releaseKindFromTable(n);
            return !!rk && releaseFacts(fn, ci, rk).key === site.key;
          });
          // `*pfn = page_to_pfn(pages[0])`: the wrapper passes the page on through an out-parameter.
          const passesOn = passesPagesOn(fn, fn.params[p]!);
          s.wrappers.set(fn.name, {
            allOrNothing: releasesOwn || kind.allOrNothing,
            name: fn.name,
            family: kind.family,
            pagesArg: { at: p },
            countArg: countParam >= 0 ? { at: countParam } : { none: true },
            single: !!site.single,
            pagesByReference: kind.pagesByReference,
            returns: kind.returns,
            trackLeaks: kind.trackLeaks && !passesOn,
            wraps: kind.wraps ?? kind.name,
          });
          changed = true;
          break;
        }
        if (
          site.single &&
          site.key &&
          fn.params.indexOf(site.key) < 0 &&
          returnsVariable(fn, site.key) &&
          kind.returns !== 'page'
        ) {
          s.wrappers.set(fn.name, {
            name: fn.name,
            family: kind.family,
            pagesArg: { none: true },
            countArg: { none: true },
            single: true,
            pagesByReference: false,
            returns: 'page',
            trackLeaks: kind.trackLeaks,
            wraps: kind.wraps ?? kind.name,
          });
          changed = true;
          break;
        }
        // `*nr = got; return pages;`: the array is the result, the count goes out through `nr`.
        const countOut = site.single ? undefined : countOutParam(fn, site);
        if (countOut !== undefined && kind.returns === 'count') {
          s.wrappers.set(fn.name, {
            name: fn.name,
            family: kind.family,
            pagesArg: { none: true },
            countArg: { at: countOut },
            single: false,
            pagesByReference: false,
            returns: 'array',
            trackLeaks: kind.trackLeaks,
            wraps: kind.wraps ?? kind.name,
          });
          changed = true;
          break;
        }
      }
    }
    if (!changed) break;
  }
  // Released one way or the other per `switch (cmd)` case: judged per case at the call site.
  for (const key of [...mixed]) {
    const calls = releaseCalls.get(key);
    if (!calls || throughMixed.has(key)) continue;
    const hash = key.lastIndexOf('#');
    const name = key.slice(0, hash);
    const p = Number(key.slice(hash + 1));
    const fn = functions.find((f) => f.name === name);
    const byCase = fn ? caseReleasesOf(fn, p, [...calls.values()]) : undefined;
    if (!byCase) continue;
    const judged = byCase.cases.flatMap((c) => (c.kind ? [c.kind] : []));
    const first = judged[0]!;
    const counts = new Set(judged.map((k) => k.countIndex));
    s.helperReleases.get(name)?.set(p, {
      name,
      cls: 'matching',
      objectIndex: p,
      countIndex: counts.size === 1 ? first.countIndex : undefined,
      batch: true,
      spec: first.spec,
      inner: first.inner,
      byCase,
    });
    mixed.delete(key);
  }
  // Drop helpers that release a parameter both ways.
  for (const [name, m] of s.helperReleases) {
    for (const i of m.keys()) if (mixed.has(`${name}#${i}`)) m.delete(i);
    if (m.size === 0) s.helperReleases.delete(name);
  }
  return s;
}

/**
 * A helper's releases of parameter `p` that differ by class, each under a case of `switch (sel)`
 * on one of its parameters: the kind per case value (none where a case releases both ways).
 * Undefined when a release runs outside such a case (or under `default`), or the selector is
 * reassigned in the helper.
 */
function caseReleasesOf(
  fn: FunctionInfo,
  p: number,
  calls: ReadonlyArray<{ ci: number; kind: ReleaseKind }>,
): CaseReleases | undefined {
  if (calls.length === 0) return undefined;
  const casesOf = calls.map((c) => casesAround(fn, c.ci));
  for (const selector of casesOf[0]!.keys()) {
    const sel = fn.params.indexOf(selector);
    if (sel < 0 || sel === p || selectorReassigned(fn, selector)) continue;
    const byValue = new Map<string, ReleaseKind | null>();
    let ok = true;
    calls.forEach((c, i) => {
      const values = casesOf[i]!.get(selector);
      if (!values) ok = false;
      for (const v of values ?? []) {
        const prev = byValue.get(v);
        if (prev === undefined) byValue.set(v, c.kind);
        else if (prev && prev.cls !== c.kind.cls) byValue.set(v, null);
      }
    });
    if (!ok) continue;
    const cases = [...byValue].map(([value, kind]) => (kind ? { value, kind } : { value }));
    if (cases.some((c) => c.kind)) return { selector: sel, cases };
  }
  return undefined;
}

export function functionInfo(node: Node, memo: FunctionMemoEntry = {}): FunctionInfo | undefined {
  const body = node.childForFieldName('body');
  const name = (memo.name ??= functionName(node) ?? '');
  if (!body || !name) return undefined;
  let calls: Node[] | undefined;
  const readCalls = () => (calls ??= collectCalls(body));
  return {
    node,
    body,
    name,
    params: (memo.params ??= parameterNames(node)),
    // Call nodes are walked only when a site must be read from the tree; their names are the memo's.
    get calls() {
      return readCalls();
    },
    callNames: (memo.callNames ??= readCalls().map((c) => calleeName(c) ?? '')),
    get aliases() {
      return (memo.aliases ??= new Aliases(body));
    },
    memo,
  };
}

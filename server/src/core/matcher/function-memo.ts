/**
 * What one function's own text decides, kept across analyses of a document: the aliases of its
 * page storage, its parameters, the types its names are declared with, the fields its pages are
 * stored in, the names it returns, which names it mentions. None of it holds a tree node or a
 * position, so it outlives the tree it was read from: after a keystroke the language server
 * reparses, and every function the edit did not touch is read from here instead of its new nodes.
 * Entries are keyed by the function's start column and whole text (relative positions are kept);
 * an entry not used by an analysis is dropped by the next sweep (a function edited away). The unit
 * driver (analyze-unit.ts) owns one per FunctionCache; without one, a fresh entry per function
 * still spares repeated reads within one analysis.
 */
import type { FieldKey } from './fields.ts';
import type { Aliases } from './aliases.ts';
import type { SiteFacts } from './function-reads.ts';
import type { MemoSites } from './plain-sites.ts';
import type { HelperRelease } from './sites.ts';

/** Plain, position-free facts of one function's text, filled lazily by their readers. */
export interface FunctionMemoEntry {
  /** Its name ('' when it has none a call could name). */
  name?: string;
  aliases?: Aliases;
  params?: string[];
  callNames?: string[];
  /** Whether it is declared `static`, and the names it calls, sorted once (facts/extract-facts.ts). */
  isStatic?: boolean;
  calledNames?: string[];
  /** Indices of the calls that name a table release or acquisition (summaries.ts). */
  tableCalls?: number[];
  /** Declared type of each parameter and local (undefined: unknown or declared two ways). */
  types?: Map<string, string | undefined>;
  /** `obj->pages = pages`: the field each stored variable ends up in. */
  storedFields?: Map<string, FieldKey | undefined>;
  /** Identifiers the function returns (`return pages;`). */
  returned?: Set<string>;
  /** What the summaries read of each call's site, per call index and kind (function-reads.ts). */
  sites?: Map<string, SiteFacts>;
  /** Where each call a helper summary points at is, rows relative to the function (function-reads.ts). */
  callAt?: Map<number, HelperRelease>;
  /** The `switch` cases around each call, by selector (switch-cases.ts enclosingCases), per call index. */
  cases?: Map<number, Map<string, string[]>>;
  /** Whether a name is assigned in the function (a selector that changes is no selector). */
  reassigned?: Map<string, boolean>;
  /** Its acquisitions and releases as plain data, for the latest callee signature (plain-sites.ts). */
  plainSites?: MemoSites;
  /** Whether a wrapper writes its pages parameter's page to another parameter, per parameter. */
  passesOn?: Map<string, boolean>;
  /** Whether the text mentions one of a set of names, per set (the set's regex source). */
  mentions?: Map<string, boolean>;
}

/** A map that forgets, at each sweep, the keys no one asked for since the previous sweep. */
export class SweptMap<V> {
  private readonly entries = new Map<string, V>();
  private readonly used = new Set<string>();

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) this.used.add(key);
    return v;
  }

  set(key: string, value: V): void {
    this.entries.set(key, value);
    this.used.add(key);
  }

  /** Drops the entries not used since the last sweep. */
  sweep(): void {
    for (const k of this.entries.keys()) if (!this.used.has(k)) this.entries.delete(k);
    this.used.clear();
  }

  clear(): void {
    this.entries.clear();
    this.used.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

export class FunctionMemo extends SweptMap<FunctionMemoEntry> {
  /** The entry for a function's text, created empty when new. */
  entry(text: string): FunctionMemoEntry {
    let e = this.get(text);
    if (!e) this.set(text, (e = {}));
    return e;
  }
}

/** Whether `text` mentions a name of `names`, read once per function text and set of names. */
export function mentionsAny(entry: FunctionMemoEntry, names: RegExp, text: string): boolean {
  const memo = (entry.mentions ??= new Map<string, boolean>());
  let hit = memo.get(names.source);
  if (hit === undefined) memo.set(names.source, (hit = names.test(text)));
  return hit;
}

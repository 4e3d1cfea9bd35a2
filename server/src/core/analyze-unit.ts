/**
 * The unit driver: analyses one translation unit. Finds the functions that take or release user
 * pages, computes same-file summaries (helpers, wrappers, struct fields filled by an acquisition)
 * with the matcher, builds each function's facts and runs every rule beside it. Results are
 * cached per function. analyze.ts is its only caller; the matcher never sees the rules.
 */
import { ACQUISITIONS, RELEASES } from './api-table.ts';
import type { Node } from './parser.ts';
import { RULES } from './rules/index.ts';
import { mapLocations } from './messages/format-message.ts';
import type { ApiModel, CallRef, Finding, Location, Note, Pairing, Range, SkippedFunction } from './types.ts';
import {
  fieldAcquisitions,
  fieldReleasesOf,
  fieldKeyText,
  fieldSignature,
  fieldsReleasedRight,
  releasedField,
  type ExternalFields,
  type FieldInfo,
} from './matcher/fields.ts';
import { pairingsOf } from './matcher/pairings.ts';
import { collectSites, functionFacts, type FunctionSites } from './matcher/function-facts.ts';
import {
  computeSummaries,
  functionInfo,
  mergeSummaries,
  type FileSummaries,
  type FunctionInfo,
} from './matcher/summaries.ts';
import { calleeRange, functionDefinitions, functionName, rangeOf } from './matcher/syntax.ts';
import { FunctionMemo, mentionsAny, SweptMap, type FunctionMemoEntry } from './matcher/function-memo.ts';
import { memoizedSites, plainSitesOf, shiftRange, type PlainSites } from './matcher/plain-sites.ts';

export interface UnitResult {
  findings: Finding[];
  notes: Note[];
  pairings: Pairing[];
  skipped?: SkippedFunction[];
}

/** A cached function result, with the row it was computed at. */
interface CachedUnit extends UnitResult {
  row: number;
}

/** Per-document cache of per-function results (the language server keeps one per document). */
export class FunctionCache extends SweptMap<CachedUnit> {
  /** What each function's text alone decides, for the file-wide pass (matcher/function-memo.ts). */
  readonly memo = new FunctionMemo();

  /** Drops the results (and memo entries) of functions edited away. */
  override sweep(): void {
    super.sweep();
    this.memo.sweep();
  }

  override clear(): void {
    super.clear();
    this.memo.clear();
  }
}

const TABLE_NAMES = [...ACQUISITIONS.map((a) => a.name), ...RELEASES.map((r) => r.name)];
const TABLE_RE = new RegExp(`\\b(?:${TABLE_NAMES.join('|')})\\b`);

/**
 * The regex of the table's names and `extra` names, made once per list: the same lists come back
 * at every keystroke (the file's helpers and wrappers, the ownership view's), and a big
 * alternation costs more to compile than to run.
 */
const namesRegexes = new Map<string, RegExp>();
function namesRegex(extra: readonly string[]): RegExp {
  if (extra.length === 0) return TABLE_RE;
  const key = extra.join('|');
  let re = namesRegexes.get(key);
  if (!re) {
    if (namesRegexes.size >= 64) namesRegexes.clear();
    namesRegexes.set(key, (re = new RegExp(`\\b(?:${[...TABLE_NAMES, ...extra].join('|')})\\b`)));
  }
  return re;
}

/**
 * The memo key of a function's text at its column. Looked up with the text as the tree gives it
 * (a slice of the document); an entry is stored under a copy made anew, which does not keep the
 * document's text alive. Column 0 (nearly every function) keys by the text alone, saving a copy
 * of every function at every keystroke; another column is a prefix no function text starts with.
 */
function memoEntry(memo: FunctionMemo, column: number, text: string): FunctionMemoEntry {
  const key = column === 0 ? text : `${column}|${text}`;
  return memo.get(key) ?? memo.entry(freshCopy(key));
}

/** A string with the same characters that shares no storage with `s`. */
function freshCopy(s: string): string {
  return (s + ' ').slice(0, -1);
}

/** One function worth a look, as the file-wide pass leaves it. */
export interface PreparedFunction {
  info: FunctionInfo;
  /** Its acquisitions and releases as plain data (from its memo when its text and callees are the same). */
  sites: PlainSites;
  /** The node-bearing sites, built on first ask (only for a function whose cached result is missing). */
  fullSites: () => FunctionSites;
  text: string;
  row: number;
  /** What its callees do (summaries.signatureFor), relative to `row`. */
  callees: string;
}

/** The file-wide part of an analysis: the functions that matter, their summaries and sites, the fields. */
export interface PreparedUnit {
  units: PreparedFunction[];
  summaries: FileSummaries;
  fields: Map<string, FieldInfo>;
  rightSomewhere: Set<string>;
  /** Field names the text fills from something else than an allocation or acquired pages. */
  otherSources: Set<string>;
}

/** Finds the functions worth a look and computes what they share; undefined when none can be. */
export function prepareUnit(
  root: Node,
  text: string,
  model: ApiModel,
  external?: ExternalFields,
  functions?: FileSummaries,
  memo?: FunctionMemo,
): PreparedUnit | undefined {
  // Another file's helper or wrapper called here counts as a reason to look, as a table name does.
  const externalNames = functions ? [...functions.helperReleases.keys(), ...functions.wrappers.keys()] : [];
  const firstNames = namesRegex(externalNames);
  if (!firstNames.test(text)) return undefined;
  // A function with a parse error is read from its nodes each time (its text may parse otherwise):
  // its entry is its own, not the memo's.
  const all = functionDefinitions(root).map((node) => ({ node, text: node.text, memoized: !!memo && !node.hasError }));
  const entries = all.map((fn): FunctionMemoEntry =>
    fn.memoized ? memoEntry(memo!, fn.node.startPosition.column, fn.text) : {},
  );
  const defined = new Set(all.flatMap((fn, i) => (entries[i]!.name ??= functionName(fn.node) ?? '') || []));

  // Functions worth a look: those naming a table function, then those naming a helper or wrapper.
  const infos = new Map<number, FunctionInfo>();
  let names = firstNames;
  let summaries = computeSummaries([]);
  for (let round = 0; round < 4; round++) {
    let added = false;
    for (let i = 0; i < all.length; i++) {
      const fn = all[i]!;
      if (infos.has(i) || !mentionsAny(entries[i]!, names, fn.text)) continue;
      const info = functionInfo(fn.node, entries[i]);
      if (info) {
        infos.set(i, info);
        added = true;
      }
    }
    if (!added && round > 0) break;
    summaries = computeSummaries([...infos.values()]);
    mergeSummaries(summaries, functions, defined);
    const extra = [...summaries.helperReleases.keys(), ...summaries.wrappers.keys()];
    names = namesRegex(extra);
  }

  // Cheap pass: every function's acquisitions and releases (no paths), for the file-wide facts.
  const units = [...infos].map(([i, info]): PreparedFunction => {
    const { node, text: fnText, memoized } = all[i]!;
    const row = node.startPosition.row;
    const callees = summaries.signatureFor(info.callNames, row);
    let full: FunctionSites | undefined;
    const fullSites = () => (full ??= collectSites(info, summaries));
    const sites = memoized ? memoizedSites(info.memo, callees, row, fullSites) : plainSitesOf(fullSites());
    return { info, sites, fullSites, text: fnText, row, callees };
  });
  const { fields, otherSources } = fieldAcquisitions(units, text, model, external);
  const rightSomewhere = fieldsReleasedRight(units, fields, external);
  return { units, summaries, fields, rightSomewhere, otherSources };
}

export function analyzeTranslationUnit(
  root: Node,
  text: string,
  model: ApiModel,
  cache?: FunctionCache,
  external?: ExternalFields,
  functions?: FileSummaries,
): UnitResult & { prepared?: PreparedUnit } {
  const prepared = prepareUnit(root, text, model, external, functions, cache?.memo);
  if (!prepared) return { findings: [], notes: [], pairings: [] };
  const { units, summaries, fields, rightSomewhere } = prepared;

  // What a function's result depends on besides its own text: the summaries of what it calls and
  // the fields its releases touch, with positions relative to the function.
  const signature = ({ info, sites, row, callees }: PreparedFunction) =>
    `${model}|${callees}|${fieldSignature(info, sites, fields, rightSomewhere, row)}`;
  const findings: Finding[] = [];
  const notes: Note[] = [];
  const pairings: Pairing[] = [];
  const skipped: SkippedFunction[] = [];
  for (const unit of units) {
    const { info, sites, row } = unit;
    const fn = info.node;
    // Keyed by the function's own text and what it depends on relative to it, not by its place:
    // edits above it only shift its results.
    const key = `${fn.startPosition.column}|${signature(unit)}|${unit.text}`;
    let cached = cache?.get(key);
    if (!cached) {
      const result: UnitResult = { findings: [], notes: [], pairings: [] };
      try {
        const facts = functionFacts(info, summaries, model, unit.fullSites());
        const fieldReleases = fieldReleasesOf({ info, sites }, fields, rightSomewhere);
        facts.fieldReleases = fieldReleases.wrong;
        for (const rule of RULES) result.findings.push(...rule.check({ facts, model }));
        result.pairings = pairingsOf(facts, model, fieldReleases.partners);
        result.notes.push(...unfilledFieldNotes({ info, sites }, fields));
        for (const af of facts.acquisitions) {
          for (const n of af.caseNotJudged ?? [])
            result.notes.push({
              range: calleeRange(facts.releases[n.release]!.call),
              messageId: 'caseNotMatched',
              data: { acquisition: af.site.kind.name, helper: n.helper, selector: n.selector, why: n.why },
              locations: { acquisition: { range: calleeRange(af.site.call) } },
            });
          if (!af.quiet) continue;
          result.notes.push({
            range: rangeOf(af.site.call),
            messageId: af.quiet.id,
            data: { acquisition: af.site.kind.name, ...af.quiet.data },
            locations: {
              acquisition: { range: calleeRange(af.site.call) },
              ...(af.quiet.leaks ? { leaks: af.quiet.leaks.map((range) => ({ range })) } : {}),
            },
          });
        }
      } catch (e) {
        // A pathological function (thousands of nested blocks) is skipped; the others still count.
        if (!(e instanceof RangeError)) throw e;
        result.findings = [];
        result.notes = [];
        result.pairings = [];
        result.skipped = [{ functionName: info.name, range: rangeOf(fn), reason: 'nesting too deep' }];
      }
      cached = { ...result, row };
      cache?.set(key, cached);
    }
    const shifted = shiftResult(cached, row);
    findings.push(...shifted.findings);
    notes.push(...shifted.notes);
    pairings.push(...shifted.pairings);
    if (shifted.skipped) skipped.push(...shifted.skipped);
  }
  cache?.sweep();
  return { findings, notes, pairings, ...(skipped.length ? { skipped } : {}), prepared };
}

/**
 * Unpins of a struct field that no acquisition in view fills (`unpin_user_pages(dev->pages, n)`
 * with the pin in a file not checked): the field's pages are judged only where the acquisition
 * is known, and --verbose says so.
 */
function unfilledFieldNotes(unit: { info: FunctionInfo; sites: PlainSites }, fields: Map<string, FieldInfo>): Note[] {
  const out: Note[] = [];
  for (const rel of unit.sites.releases) {
    if (rel.kind.cls !== 'pin' || rel.kind.inner) continue;
    const field = releasedField(unit.info, rel.key, rel.freesStorage);
    const k = field ? fieldKeyText(field) : undefined;
    if (!field?.struct || !k || fields.has(k)) continue;
    out.push({
      range: rel.nameRange,
      messageId: 'fieldFilledElsewhere',
      data: { release: rel.kind.name, struct: field.struct, path: field.path },
      locations: {},
    });
  }
  return out;
}

/**
 * Moves a cached function's results to where the function now starts. Everything they point at
 * (its own lines, a helper's release, a field's acquisition) kept its place relative to the
 * function, or the cache key would differ: so every range and location moves alike. Messages are
 * made from the locations at the edge, so no text changes here.
 */
function shiftResult(r: CachedUnit, row: number): UnitResult {
  const delta = row - r.row;
  if (delta === 0) return r;
  const range = (x: Range): Range => shiftRange(x, delta);
  // A place in another file (an acquisition the ownership index knows) does not move.
  const loc = (l: Location): Location => (l.file ? l : { ...l, range: range(l.range) });
  const call = <T extends CallRef>(c: T): T =>
    c.file ? c : { ...c, nameRange: range(c.nameRange), callRange: range(c.callRange) };
  return {
    findings: r.findings.map((f) => ({
      ...f,
      range: range(f.range),
      locations: mapLocations(f.locations, loc),
      related: f.related.map((rel) => (rel.file ? rel : { ...rel, range: range(rel.range) })),
      fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, range: range(e.range) })) })),
    })),
    notes: r.notes.map((n) => ({ ...n, range: range(n.range), locations: mapLocations(n.locations, loc) })),
    pairings: r.pairings.map((p) => ({
      acquisition: call(p.acquisition),
      releases: p.releases.map((rel) => {
        const moved = call(rel);
        return rel.releasedAt ? { ...moved, releasedAt: loc(rel.releasedAt) } : moved;
      }),
    })),
    ...(r.skipped ? { skipped: r.skipped.map((s) => ({ ...s, range: range(s.range) })) } : {}),
  };
}

/**
 * The patch's own evidence (domain.md §6): a change block (a run of `-`/`+` lines) that replaces
 * a release of one class with a release of the other on the same page or pages says which kind
 * of reference the pages held, even when the acquisition is outside the hunk and no tree is given.
 *
 * - `-unpin_user_page(x)` → `+put_page(x)` (or put_user_page* → put_page/release_pages, …):
 *   the removed line dropped a pin, so the pages are pinned; the new plain drop leaves the pin
 *   count raised: wrong-release on the `+` call, related to the `-` call. Quiet when the patch
 *   itself changes an acquisition the other way (a pin call removed or a GET call added: a
 *   revert of a conversion may be under way).
 * - `-put_page(x)` → `+unpin_user_page(x)` (upstream model only: in the 2019 model that is the
 *   conversion the series asked for): the pages held ordinary references. The same change is the
 *   routine get→pin conversion when the acquisition changes too, so it is reported only when the
 *   whole patch is in view (not a trimmed quote), nothing in it adds a pin or removes a GET
 *   acquisition, and the patch shows a get_user_pages*() call filling those very pages:
 *   mismatched-release.
 *
 * A release the analyser already paired with an acquisition in view is its business, not this
 * module's. Everything else that looks like such a change and is left alone gets a note.
 */
import { findAcquisition, findRelease, expectedReleaseClass } from '../api-table.ts';
import { REPLACES_REF_RELEASE } from '../rules/mismatched-release.ts';
import { REPLACES_PIN_RELEASE } from '../rules/wrong-release.ts';
import type { ApiModel, Finding, Fix, Range, RuleId, Severity } from '../types.ts';
import type { Hunk, HunkLine } from './diff-parse.ts';
import type { SourceLine } from './source-line.ts';

/** A call of a table function in a change block, on one input line. */
export interface CallSeen {
  name: string;
  /** The object (page / pages) argument as written, whitespace removed. */
  object: string;
  src: SourceLine;
  /** Column of the name in `src.text`. */
  column: number;
  args: string[];
}

export interface EvidenceContext {
  model: ApiModel;
  /** Every hunk of the review's C files (a series or one quoted patch), in order. */
  hunks: Array<{ hunk: Hunk; file: string; patch: number }>;
  /** The whole patch is in view (a patch or mail as sent, not a trimmed quote). */
  whole: boolean;
  /** Input lines whose release the analyser already paired with an acquisition. */
  decided: ReadonlySet<number>;
  severity: (rule: RuleId) => Severity;
  lineLength: (line: number) => number;
  fixable: boolean;
}

export interface EvidenceResult {
  findings: Array<Finding & { src: SourceLine; file: string; patch: number; suggestion?: string[] }>;
  notes: string[];
}

/** Comments and string literals blanked (same length), so a name in them is no call. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*.*?(\*\/|$)|\/\/.*$/g, (m) => ' '.repeat(m.length))
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (m) => ' '.repeat(m.length));
}

/** The arguments of the call whose `(` is at `open` in `lines` (a call may span lines). */
function callArgs(lines: readonly string[], row: number, open: number): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (let r = row; r < lines.length && r < row + 8; r++) {
    const t = lines[r]!;
    for (let i = r === row ? open : 0; i < t.length; i++) {
      const c = t[i]!;
      if (c === '(' || c === '[' || c === '{') {
        depth++;
        if (depth === 1) continue;
      } else if (c === ')' || c === ']' || c === '}') {
        depth--;
        if (depth === 0) {
          args.push(cur.trim());
          return args;
        }
      } else if (c === ',' && depth === 1) {
        args.push(cur.trim());
        cur = '';
        continue;
      }
      cur += c;
    }
    cur += ' ';
  }
  return undefined;
}

const CALL_RE = /\b([A-Za-z_]\w*)\s*\(/g;

/** Calls of table functions (releases and acquisitions) in consecutive hunk lines. */
export function callsIn(lines: readonly HunkLine[]): CallSeen[] {
  const texts = lines.map((l) => codeOnly(l.src.text));
  const out: CallSeen[] = [];
  texts.forEach((t, row) => {
    for (const m of t.matchAll(CALL_RE)) {
      const name = m[1]!;
      if (!findRelease(name) && !findAcquisition(name)) continue;
      const args = callArgs(texts, row, m.index + m[0].length - 1);
      if (!args) continue;
      const rel = findRelease(name);
      const acq = findAcquisition(name);
      const idx = rel ? rel.objectArg : (acq?.pagesArg[args.length] ?? -1);
      out.push({
        name,
        object: (args[idx] ?? '').replace(/\s+/g, ''),
        src: lines[row]!.src,
        column: m.index,
        args,
      });
    }
  });
  return out;
}

/** Maximal runs of `-`/`+` lines of a hunk that both remove and add. */
function changeBlocks(hunk: Hunk): Array<{ removed: HunkLine[]; added: HunkLine[] }> {
  return allChangeBlocks(hunk).filter((b) => b.removed.length > 0 && b.added.length > 0);
}

/** Maximal runs of `-`/`+` lines of a hunk (only additions or only removals too). */
export function allChangeBlocks(hunk: Hunk): Array<{ removed: HunkLine[]; added: HunkLine[] }> {
  const out: Array<{ removed: HunkLine[]; added: HunkLine[] }> = [];
  let cur: { removed: HunkLine[]; added: HunkLine[] } | undefined;
  for (const l of hunk.lines) {
    if (l.op === ' ') {
      cur = undefined;
      continue;
    }
    if (!cur) out.push((cur = { removed: [], added: [] }));
    (l.op === '-' ? cur.removed : cur.added).push(l);
  }
  return out;
}

/** `&pages[i]`, `*pages`, `pages + done`, `pages[i]` → `pages` (the array a page comes from). */
function baseOf(object: string): string {
  return object
    .replace(/^[&*(]+/, '')
    .replace(/\)+$/, '')
    .replace(/\[.*\]$/, '')
    .replace(/\+.*$/, '');
}

/** Needed class of pages from an acquisition call, in the model (undefined: undecidable). */
export function acquisitionClass(c: CallSeen, model: ApiModel): 'pin' | 'ref' | undefined {
  const spec = findAcquisition(c.name);
  if (!spec) return undefined;
  if (spec.flagsArg) {
    const flags = c.args[spec.flagsArg[c.args.length] ?? -1] ?? '';
    if (/\bFOLL_PIN\b/.test(flags)) return 'pin';
    if (/\bFOLL_GET\b/.test(flags)) return expectedReleaseClass('gup', model);
    return undefined;
  }
  return expectedReleaseClass(spec.family, model);
}

const label = (src: SourceLine) => `line ${src.line + 1}`;

function rangeOf(ctx: EvidenceContext, src: SourceLine, column: number, length: number): Range {
  if (!src.exact)
    return { start: { line: src.line, column: 0 }, end: { line: src.line, column: ctx.lineLength(src.line) } };
  return {
    start: { line: src.line, column: src.column + column },
    end: { line: src.line, column: src.column + column + length },
  };
}

/**
 * The release to keep instead of `added`: the removed call itself when it takes the same
 * arguments, else the added call's counterpart for what the removed call dropped (a 2019
 * put_user_page*() names the 2019 API, unpin_user_page*() the upstream one).
 */
function keep(added: CallSeen, removed: CallSeen): string | undefined {
  const a = findRelease(added.name)!;
  const r = findRelease(removed.name)!;
  if (removed.args.length === added.args.length && r.object === a.object) return removed.name;
  if (r.cls === 'ref') return a.counterpart.ref;
  return a.counterpart[r.era.startsWith('RFC') ? 'pin-2019' : 'pin'];
}

export function patchEvidence(ctx: EvidenceContext): EvidenceResult {
  const findings: EvidenceResult['findings'] = [];
  const notes: string[] = [];
  // What the patch does to acquisitions: a removed pin or an added GET may be a revert; an added
  // pin or a removed GET, a conversion.
  let towardRef: CallSeen | undefined;
  let towardPin: CallSeen | undefined;
  const getFills = new Set<string>();
  for (const { hunk: h } of ctx.hunks) {
    const removed = callsIn(h.lines.filter((l) => l.op === '-'));
    const shown = callsIn(h.lines.filter((l) => l.op !== '-'));
    for (const c of removed) {
      const cls = acquisitionClass(c, ctx.model);
      if (cls === 'pin') towardRef ??= c;
      if (cls === 'ref' || (findAcquisition(c.name) && cls === undefined)) towardPin ??= c;
    }
    for (const c of shown) {
      const cls = acquisitionClass(c, ctx.model);
      if (cls === 'ref') {
        if (h.lines.some((l) => l.op === '+' && l.src === c.src)) towardRef ??= c;
        getFills.add(baseOf(c.object));
      }
      if (cls === 'pin' && h.lines.some((l) => l.op === '+' && l.src === c.src)) towardPin ??= c;
      if (/\bFOLL_PIN\b/.test(codeOnly(c.src.text))) towardPin ??= c;
    }
  }
  for (const { hunk: h, file, patch } of ctx.hunks) {
    for (const block of changeBlocks(h)) {
      const removed = callsIn(block.removed).filter(
        (c) => findRelease(c.name)?.cls === 'pin' || findRelease(c.name)?.cls === 'ref',
      );
      const added = callsIn(block.added).filter((c) => findRelease(c.name));
      for (const a of added) {
        const aSpec = findRelease(a.name)!;
        const r = removed.find(
          (x) => x.object === a.object && a.object !== '' && findRelease(x.name)!.cls !== aSpec.cls,
        );
        if (!r || aSpec.cls === 'free') continue;
        const rSpec = findRelease(r.name)!;
        const what = `${r.name}() (${label(r.src)}) replaced by ${a.name}() (${label(a.src)})`;
        if (ctx.decided.has(a.src.line)) continue; // the acquisition is in view: the analysis decided
        let rule: RuleId;
        let messageId: string;
        if (rSpec.cls === 'pin' && aSpec.cls === 'ref') {
          if (towardRef) {
            notes.push(
              `${what}: not reported: the patch also changes ${towardRef.name}() (${label(towardRef.src)}), the pages may no longer be pinned`,
            );
            continue;
          }
          rule = 'wrong-release';
          messageId = REPLACES_PIN_RELEASE;
        } else {
          if (ctx.model === 'put_user_page') continue; // put_page → put_user_page: the 2019 conversion itself
          if (towardPin) {
            notes.push(
              `${what}: not reported: the patch also changes ${towardPin.name}() (${label(towardPin.src)}), a get→pin conversion`,
            );
            continue;
          }
          if (!ctx.whole || !getFills.has(baseOf(a.object))) {
            notes.push(
              `${what}: not reported: nothing in view says the pages hold ordinary references (${ctx.whole ? 'no get_user_pages*() call filling them in the patch' : 'the quote shows only part of the patch'})`,
            );
            continue;
          }
          rule = 'mismatched-release';
          messageId = REPLACES_REF_RELEASE;
        }
        const severity = ctx.severity(rule);
        if (severity === 'off') continue;
        const right = keep(a, r);
        const range = rangeOf(ctx, a.src, a.column, a.name.length);
        const fixes: Fix[] =
          ctx.fixable && right && a.src.exact ? [{ title: `Use ${right}()`, edits: [{ range, newText: right }] }] : [];
        const removedRange = rangeOf(ctx, r.src, r.column, r.name.length);
        findings.push({
          rule,
          severity,
          messageId,
          data: { removed: r.name, release: a.name, ...(right ? { right } : {}) },
          locations: { removed: { range: removedRange } },
          range,
          related: [{ range: removedRange, messageId: 'removedRelease', data: { release: r.name } }],
          fixes,
          src: a.src,
          file,
          patch,
          ...(right && a.src.exact
            ? { suggestion: [a.src.text.slice(0, a.column) + right + a.src.text.slice(a.column + a.name.length)] }
            : {}),
        });
      }
    }
  }
  return { findings, notes };
}

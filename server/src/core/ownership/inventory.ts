/**
 * The inventory: one row per acquisition site of the code checked, made from its trail
 * (trail.ts): where it is, what it calls (family, the FOLL_* flags that matter), where its pages
 * go (released here, in a helper, through a struct field in another function or file, handed
 * off, returned, kept), whether every path releases them, and the findings on it; then totals per
 * subsystem (the top two path levels), family and status. Plain data: the CLI's `inventory`
 * prints it as text, JSON, CSV or HTML, and the editor's "GUP sites" view reads the same rows.
 */
import type { SeriesSite, SiteChange } from '../patch/series-sites.ts';
import type { Finding, NoteMessageId } from '../types.ts';
import type { Trail } from './trail.ts';
import { trailSummary } from './trail.ts';

/** `ok`: every path releases or hands off, with the right kind; `finding`: a finding on it; `unknown`: the data flow was not followed. */
export type SiteStatus = 'ok' | 'finding' | 'unknown';
/** Whether every path releases the pages: `released`, `handed-off` (to a bio, an sg table, the caller…), `leaks`, `unknown`. */
export type EveryPath = 'released' | 'handed-off' | 'leaks' | 'unknown';

export interface InventoryRow {
  /** As the run names it (the path given, joined with the path under it). */
  file: string;
  /** Under the checked root (what the subsystem is read from). */
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  function: string;
  call: string;
  family: 'gup' | 'pin' | 'ref' | 'extract';
  /** What the pages need in the model in force: `pin` or `ref` (absent: undecided, a flags variable). */
  needs?: 'pin' | 'ref';
  flags: string[];
  longterm: boolean;
  write: boolean;
  /** Where the pages go, one phrase each ("released here with unpin_user_pages()", "handed off: bio_add_page"). */
  goes: string[];
  everyPath: EveryPath;
  status: SiteStatus;
  /** "pinned · 2 releases · 1 wrong": the code lens's words. */
  summary: string;
  findings: Array<{ rule: string; file: string; line: number }>;
  subsystem: string;
}

const HANDED: ReadonlySet<NoteMessageId> = new Set(['handedOff', 'outlivesCall', 'callersArray', 'resultReturned']);
const UNKNOWN: ReadonlySet<NoteMessageId> = new Set([
  'pagesNotUnderstood',
  'resultNotTracked',
  'notInControlFlow',
  'tooManyPaths',
  'uncertainLeak',
  'notAlwaysReference',
]);

/** The subsystem of a path relative to the checked root: its first two directories (`drivers/gpu`). */
export function subsystemOf(relative: string): string {
  const parts = relative.split('/').filter((p) => p && p !== '.' && p !== '..');
  parts.pop();
  return parts.slice(0, 2).join('/') || '(top level)';
}

/** The findings reported at a place (a file as the run names it, a 0-based line): their rule ids. */
export type FindingsAt = (file: string, line: number) => string[];

/** FindingsAt over what a run reported, file by file. */
export function findingsAtOf(reports: Iterable<{ file: string; findings: readonly Finding[] }>): FindingsAt {
  const at = new Map<string, string[]>();
  for (const { file, findings } of reports)
    for (const f of findings) {
      const k = `${file}\0${f.range.start.line}`;
      at.set(k, [...(at.get(k) ?? []), f.rule]);
    }
  return (file, line) => at.get(`${file}\0${line}`) ?? [];
}

/**
 * The rows of one file's trails; `relative` is its path under the checked root, `display` how it
 * is named, `findingsAt` what the run reported elsewhere (a release in another file).
 */
export function inventoryRows(
  trails: readonly Trail[],
  display: string,
  relative: string,
  findingsAt: FindingsAt = () => [],
): InventoryRow[] {
  return trails.map((t) => {
    const a = t.acquisition;
    // A phrase once, however many releases say it.
    const goes = new Set<string>();
    for (const r of t.releases) {
      const how = r.releasesWith ? `in ${r.name}() (${r.releasesWith}())` : `with ${r.name}()`;
      const where = r.file
        ? `through ${t.field ?? 'a field'} in ${r.functionName}() of ${r.file}`
        : r.functionName !== a.functionName
          ? `in ${r.functionName}()${t.field ? ` through ${t.field}` : ''}`
          : 'here';
      goes.add(`released ${where} ${how}${r.right === false ? ' (wrong kind)' : ''}`);
    }
    for (const n of t.notes) {
      if (n.messageId === 'handedOff') goes.add(`handed off: ${String(n.data.handoffs)}`);
      else if (n.messageId === 'outlivesCall') goes.add(`kept in ${String(n.data.key)}`);
      else if (n.messageId === 'callersArray') goes.add(`into the caller's array ${String(n.data.key)}`);
      else if (n.messageId === 'resultReturned') goes.add('returned to the caller');
    }
    const leaks = t.findings.some((f) => f.rule === 'missing-release');
    const handed = t.notes.some((n) => HANDED.has(n.messageId));
    const unknown = t.notes.some((n) => UNKNOWN.has(n.messageId));
    const everyPath: EveryPath = leaks ? 'leaks' : unknown ? 'unknown' : handed ? 'handed-off' : 'released';
    // Only what the run reported: its own findings, and those at its releases in other files.
    const findings: InventoryRow['findings'] = t.findings.map((f) => ({
      rule: f.rule,
      file: display,
      line: f.range.start.line + 1,
    }));
    for (const r of t.releases) {
      if (!r.file) continue;
      for (const rule of findingsAt(r.file, r.nameRange.start.line))
        findings.push({ rule, file: r.file, line: r.nameRange.start.line + 1 });
    }
    const status: SiteStatus = findings.length > 0 ? 'finding' : unknown ? 'unknown' : 'ok';
    const flags = a.flags ?? [];
    return {
      file: display,
      path: relative,
      line: a.nameRange.start.line + 1,
      column: a.nameRange.start.column + 1,
      function: a.functionName,
      call: a.name,
      family: a.family,
      ...(a.expected ? { needs: a.expected } : {}),
      flags,
      longterm: flags.includes('FOLL_LONGTERM'),
      write: flags.includes('FOLL_WRITE'),
      goes: [...goes],
      everyPath,
      status,
      summary: trailSummary(t),
      findings,
      subsystem: subsystemOf(relative),
    };
  });
}

export interface Totals {
  sites: number;
  byFamily: Record<InventoryRow['family'], number>;
  byStatus: Record<SiteStatus, number>;
  longterm: number;
}

export interface InventorySummary {
  totals: Totals;
  subsystems: Array<{ name: string } & Totals>;
}

function emptyTotals(): Totals {
  return {
    sites: 0,
    byFamily: { gup: 0, pin: 0, ref: 0, extract: 0 },
    byStatus: { ok: 0, finding: 0, unknown: 0 },
    longterm: 0,
  };
}

function add(t: Totals, r: InventoryRow): void {
  t.sites++;
  t.byFamily[r.family]++;
  t.byStatus[r.status]++;
  if (r.longterm) t.longterm++;
}

/** Totals over all rows and per subsystem (subsystems by name). */
export function summarize(rows: readonly InventoryRow[]): InventorySummary {
  const totals = emptyTotals();
  const by = new Map<string, Totals>();
  for (const r of rows) {
    add(totals, r);
    let t = by.get(r.subsystem);
    if (!t) by.set(r.subsystem, (t = emptyTotals()));
    add(t, r);
  }
  const subsystems = [...by].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => ({ name, ...t }));
  return { totals, subsystems };
}

/** The whole inventory: JSON schema in README ("inventory"). */
export interface InventoryReport {
  tool: { name: 'gup-review'; version: string };
  /** The API model setting of the run (each site's `needs` is in the model its file was checked in). */
  api: string;
  summary: InventorySummary;
  sites: InventoryRow[];
  /** Patch and mail inputs: the sites each series adds, converts, changes or removes. */
  series?: Array<{ input: string; sites: SeriesSite[]; changes: Record<SiteChange, number> }>;
}

export function inventoryReport(rows: InventoryRow[], api: string, version: string): InventoryReport {
  rows.sort((a, b) => a.subsystem.localeCompare(b.subsystem) || a.path.localeCompare(b.path) || a.line - b.line);
  return { tool: { name: 'gup-review', version }, api, summary: summarize(rows), sites: rows };
}

/** Counts of a series' sites per change. */
export function seriesChanges(sites: readonly SeriesSite[]): Record<SiteChange, number> {
  const out: Record<SiteChange, number> = { added: 0, converted: 0, changed: 0, removed: 0 };
  for (const s of sites) out[s.change]++;
  return out;
}

/**
 * Analyses one translation unit: finds the functions that take or release user pages, computes
 * same-file summaries (helpers, wrappers, struct fields filled by an acquisition), builds each
 * function's facts and runs every rule on them. Results are cached per function.
 */
import { ACQUISITIONS, RELEASES, expectedReleaseClass, type ReleaseClass } from '../api-table.ts';
import type { Node } from '../parser.ts';
import { RULES } from '../rules/index.ts';
import type { ApiModel, Finding, Range } from '../types.ts';
import { functionFacts, type FunctionFacts } from './function-facts.ts';
import type { AcquisitionSite } from './sites.ts';
import { computeSummaries, functionInfo, type FunctionInfo } from './summaries.ts';
import { fieldOfKey, rangeOf } from './syntax.ts';

export interface UnitResult {
  findings: Finding[];
  notes: Array<{ range: Range; message: string }>;
}

/** Per-document cache of per-function results (the language server keeps one per document). */
export class FunctionCache {
  private entries = new Map<string, UnitResult>();
  private used = new Set<string>();

  get(key: string): UnitResult | undefined {
    const v = this.entries.get(key);
    if (v) this.used.add(key);
    return v;
  }

  set(key: string, value: UnitResult): void {
    this.entries.set(key, value);
    this.used.add(key);
  }

  /** Drops entries not used since the last sweep (functions edited away). */
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

const TABLE_NAMES = [...ACQUISITIONS.map((a) => a.name), ...RELEASES.map((r) => r.name)];
const TABLE_RE = new RegExp(`\\b(?:${TABLE_NAMES.join('|')})\\b`);

interface FieldInfo {
  acquisition: AcquisitionSite;
  functionName: string;
  expected?: ReleaseClass;
  conflict: boolean;
}

export function analyzeTranslationUnit(root: Node, text: string, model: ApiModel, cache?: FunctionCache): UnitResult {
  if (!TABLE_RE.test(text)) return { findings: [], notes: [] };
  const all = root.descendantsOfType('function_definition').filter((n): n is Node => n !== null);

  // Functions worth a look: those naming a table function, then those naming a helper or wrapper.
  const infos = new Map<number, FunctionInfo>();
  let names = TABLE_RE;
  let summaries = computeSummaries([]);
  for (let round = 0; round < 4; round++) {
    let added = false;
    for (const fn of all) {
      if (infos.has(fn.id) || !names.test(fn.text)) continue;
      const info = functionInfo(fn);
      if (info) {
        infos.set(fn.id, info);
        added = true;
      }
    }
    if (!added && round > 0) break;
    summaries = computeSummaries([...infos.values()]);
    const extra = [...summaries.helperReleases.keys(), ...summaries.wrappers.keys()];
    names = extra.length ? new RegExp(`\\b(?:${[...TABLE_NAMES, ...extra].join('|')})\\b`) : TABLE_RE;
  }

  const factsList = [...infos.values()].map((info) => functionFacts(info, summaries, model));
  const fields = fieldAcquisitions(factsList, text, model);
  linkFieldReleases(factsList, fields);

  const signature = `${model}|${summaries.signature()}|${[...fields].map(([f, i]) => `${f}:${i.acquisition.call.startIndex}${i.conflict}`).join(',')}`;
  const findings: Finding[] = [];
  const notes: UnitResult['notes'] = [];
  for (const facts of factsList) {
    const fn = facts.info.node;
    const key = `${fn.startPosition.row}:${fn.startPosition.column}|${signature}|${fn.text}`;
    let result = cache?.get(key);
    if (!result) {
      result = { findings: [], notes: [] };
      for (const rule of RULES) result.findings.push(...rule.check({ facts, model }));
      for (const af of facts.acquisitions) {
        if (af.quiet) result.notes.push({ range: rangeOf(af.site.call), message: `${af.site.kind.name}(): no leak check: ${af.quiet}` });
      }
      cache?.set(key, result);
    }
    findings.push(...result.findings);
    notes.push(...result.notes);
  }
  cache?.sweep();
  return { findings, notes };
}

/** Struct fields that hold pages from an acquisition, with whether anything else fills them. */
function fieldAcquisitions(factsList: FunctionFacts[], text: string, model: ApiModel): Map<string, FieldInfo> {
  const fields = new Map<string, FieldInfo>();
  const acqVars = new Set<string>();
  for (const facts of factsList) {
    for (const af of facts.acquisitions) {
      const key = af.site.key;
      if (!key || key === 'NULL') continue;
      if (/^\w+$/.test(key)) acqVars.add(key);
      let field = fieldOfKey(key);
      if (!field && /^\w+$/.test(key)) field = storedField(facts, key);
      if (!field) continue;
      const expected = expectedReleaseClass(af.site.kind.family, model);
      const prev = fields.get(field);
      if (prev) {
        if (prev.expected !== expected) prev.conflict = true;
        continue;
      }
      fields.set(field, { acquisition: af.site, functionName: facts.info.name, expected, conflict: false });
    }
  }
  // Anything else assigned into the field (another source of pages) makes it ambiguous.
  for (const [field, info] of fields) {
    const re = new RegExp(`(?:->|\\.)${field}\\s*(?:\\[[^\\]\\n]*\\])?\\s*=(?!=)\\s*([^;]{0,200});`, 'g');
    for (const m of text.matchAll(re)) {
      const rhs = m[1]!.trim();
      if (/^(?:\(.*\)\s*)?(?:k[mvz]?alloc\w*|kcalloc|kvcalloc|vmalloc|vzalloc|kmalloc_array|kvmalloc_array|NULL|0)\b/.test(rhs)) continue;
      if (acqVars.has(rhs.replace(/^\(.*?\)\s*/, ''))) continue;
      info.conflict = true;
      break;
    }
  }
  return fields;
}

/** `obj->pages = pages` in the acquiring function: the field the pages end up in. */
function storedField(facts: FunctionFacts, key: string): string | undefined {
  for (const a of facts.info.body.descendantsOfType('assignment_expression')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!left || !right || left.type !== 'field_expression') continue;
    if (right.text.trim() === key) return left.childForFieldName('field')?.text;
  }
  return undefined;
}

function linkFieldReleases(factsList: FunctionFacts[], fields: Map<string, FieldInfo>): void {
  if (fields.size === 0) return;
  // Fields released with the right kind somewhere are handled both ways (e.g. user or kernel pages).
  const rightSomewhere = new Set<string>();
  const candidates: Array<{ facts: FunctionFacts; index: number; field: string }> = [];
  for (const facts of factsList) {
    const matched = new Set(facts.acquisitions.flatMap((a) => a.releases));
    facts.releases.forEach((rel, index) => {
      const field = rel.key ? fieldOfKey(rel.key) : undefined;
      const info = field ? fields.get(field) : undefined;
      if (!field || !info || info.conflict || !info.expected) return;
      if (rel.kind.cls === info.expected) rightSomewhere.add(field);
      else if (!matched.has(index)) candidates.push({ facts, index, field });
    });
  }
  for (const c of candidates) {
    if (rightSomewhere.has(c.field)) continue;
    const info = fields.get(c.field)!;
    c.facts.fieldReleases.push({ release: c.index, acquisition: info.acquisition, functionName: info.functionName });
  }
}

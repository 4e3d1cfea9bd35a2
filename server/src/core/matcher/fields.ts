/**
 * Struct fields that hold pages across the functions of one file: a pin into `ctx->pages` in
 * setup() and a put_page(c->pages[i]) in teardown() are the same pages only when `ctx` and `c`
 * are the same struct type. A field is keyed by {struct, path}: the type its base variable is
 * declared with (`struct demo_ctx *ctx` → demo_ctx; a typedef name counts too) and the path
 * after the base (`pages`, `buf.pages`). A base whose type cannot be read (a macro result, a
 * global, an expression) has an unknown struct, which matches nothing: the analysis stays quiet
 * rather than pairing one struct's release with another struct's pin. Asked by the unit driver
 * (analyze-unit.ts), whose fieldReleases reach the rules through FunctionFacts.
 */
import { expectedReleaseClass, isRightRelease, type NeededClass, type ReleaseClass } from '../api-table.ts';
import type { Node } from '../parser.ts';
import type { ApiModel } from '../types.ts';
import type { FunctionFacts } from './function-facts.ts';
import type { PlainSites } from './plain-sites.ts';
import { acquisitionRef, type AcquisitionRef } from './sites.ts';
import type { FunctionInfo } from './summaries.ts';
import { declaratorName, findFunctionDeclarator, squash } from './syntax.ts';
import { descendantsOf } from './descendant-index.ts';

/** Which field of which struct: `struct` undefined when the base's type is not known. */
export interface FieldKey {
  struct?: string;
  /** The access path after the base variable: `pages`, `buf.pages`. */
  path: string;
}

const textOf = (k: FieldKey | undefined) => (k ? fieldKeyText(k) : undefined);

/** The last member of a field path (`buf.pages` → `pages`): the name a field is known by in text. */
export function memberOf(path: string): string {
  return /(\w+)$/.exec(path)?.[1] ?? path;
}

/** The map key of a field whose struct is known; undefined for an unknown struct (matches nothing). */
export function fieldKeyText(k: FieldKey): string | undefined {
  return k.struct === undefined ? undefined : `${k.struct}::${k.path}`;
}

export interface FieldInfo {
  field: FieldKey;
  /** The acquisition that fills it: in this file, or in another (`file` set: the ownership index). */
  acquisition: AcquisitionRef;
  /** A same-file acquisition's storage key. */
  key?: string;
  functionName: string;
  expected?: NeededClass;
  conflict: boolean;
}

/**
 * A field filled or released in other files of the module, as the ownership index sees them
 * (plain data, handed in by the unit driver's caller): the acquisitions there, with their file,
 * the release classes other files release it with, and whether another file fills it from
 * something else than an allocation or acquired pages.
 */
export interface ExternalField {
  field: FieldKey;
  sources: AcquisitionRef[];
  releasedWith: ReleaseClass[];
  otherSource: boolean;
}

/** External fields by fieldKeyText. */
export type ExternalFields = ReadonlyMap<string, ExternalField>;

export interface FieldUnit {
  info: FunctionInfo;
  sites: PlainSites;
}

/** The type name a parameter or local is declared with (`struct foo *x` → foo, `foo_t *x` → foo_t). */
export function declaredTypeOf(info: FunctionInfo, name: string): string | undefined {
  let types = info.memo.types;
  if (!types) {
    types = new Map();
    const decls: Node[] = [];
    const params = findFunctionDeclarator(info.node)?.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) if (p?.type === 'parameter_declaration') decls.push(p);
    for (const d of descendantsOf(info.body, 'declaration')) decls.push(d);
    for (const d of decls) {
      const typeName = typeNameOf(d.childForFieldName('type'));
      for (const c of d.childrenForFieldName('declarator')) {
        const n = c ? declaratorName(c) : undefined;
        if (!n) continue;
        // Two declarations of one name with different types (shadowing in blocks): unknown.
        if (types.has(n) && types.get(n) !== typeName) types.set(n, undefined);
        else types.set(n, typeName);
      }
    }
    info.memo.types = types;
  }
  return types.get(name);
}

function typeNameOf(t: Node | null): string | undefined {
  if (!t) return undefined;
  if (t.type === 'struct_specifier' || t.type === 'union_specifier') return t.childForFieldName('name')?.text;
  if (t.type === 'type_identifier') return t.text;
  return undefined;
}

/** The field a storage key designates (`ctx->pages` → {demo_ctx, pages}), if it is a field. */
export function fieldKeyOf(info: FunctionInfo, key: string): FieldKey | undefined {
  const m = /^(\w+)(?:->|\.)(.+)$/.exec(squash(key));
  if (!m) return undefined;
  const [, base, path] = m;
  if (!base || !path || !/^\w+(?:(?:->|\.)\w+)*$/.test(path)) return undefined;
  return { struct: declaredTypeOf(info, base), path };
}

/**
 * Struct fields that hold pages from an acquisition, in this file or (`external`) in another file
 * of the module, with whether anything else fills them; and the field names this file fills
 * from other sources (otherSourceFields, for the file's facts too).
 */
export function fieldAcquisitions(
  units: FieldUnit[],
  text: string,
  model: ApiModel,
  external?: ExternalFields,
): { fields: Map<string, FieldInfo>; otherSources: Set<string> } {
  const fields = new Map<string, FieldInfo>();
  const acqVars = new Set<string>();
  for (const { info, sites } of units) {
    for (const site of sites.acquisitions) {
      const key = site.key;
      if (!key || key === 'NULL') continue;
      if (/^\w+$/.test(key)) acqVars.add(key);
      const field = acquiredField(info, key);
      const k = field ? fieldKeyText(field) : undefined;
      if (!field || !k) continue;
      const expected = expectedReleaseClass(site.kind.family, model);
      const prev = fields.get(k);
      if (prev) {
        if (prev.expected !== expected) prev.conflict = true;
        continue;
      }
      const acquisition = acquisitionRef(site, info.name);
      fields.set(k, { field, acquisition, key, functionName: info.name, expected, conflict: false });
    }
  }
  for (const [k, ext] of external ?? []) mergeExternal(fields, k, ext, model);
  // Anything else assigned into a field of that name (another source of pages) makes it ambiguous.
  const otherSources = otherSourceFields(text, acqVars);
  for (const info of fields.values()) {
    if (otherSources.has(memberOf(info.field.path))) info.conflict = true;
  }
  return { fields, otherSources };
}

/** Another file's acquisitions of field `k` beside this file's: any disagreement is a conflict. */
function mergeExternal(fields: Map<string, FieldInfo>, k: string, ext: ExternalField, model: ApiModel): void {
  const first = ext.sources[0];
  const prev = fields.get(k);
  const classes = new Set(ext.sources.map((a) => expectedReleaseClass(a.family, model)));
  if (prev) {
    if (ext.otherSource || [...classes].some((c) => c !== prev.expected)) prev.conflict = true;
    return;
  }
  if (!first?.functionName) return;
  fields.set(k, {
    field: ext.field,
    acquisition: first,
    functionName: first.functionName,
    expected: expectedReleaseClass(first.family, model),
    conflict: ext.otherSource || classes.size > 1,
  });
}

const FIELD_STORE_RE = /(?:->|\.)(\w+)\s*(?:\[[^\]\n]*\]\s*)?=(?!=)\s*([^;]{0,200});/g;
const ALLOCATION_RE =
  /^(?:\(.*\)\s*)?(?:k[mvz]?alloc\w*|kcalloc|kvcalloc|vmalloc|vzalloc|kmalloc_array|kvmalloc_array|NULL|0)\b/;

/**
 * The field names the text assigns anything but an allocation, NULL or an acquired pages
 * variable (`acqVars`): another source of pages for a field of that name. One scan of the text.
 */
export function otherSourceFields(text: string, acqVars: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const re = new RegExp(FIELD_STORE_RE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // Chained stores (`a->x = b->y = v;`): the next match may start inside this one.
    re.lastIndex = m.index + 1;
    const name = m[1]!;
    if (out.has(name)) continue;
    // Comments between `=` and the value (`->pages = /* why */ kcalloc(…)`) are not the value.
    const rhs = m[2]!.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ').trim();
    if (ALLOCATION_RE.test(rhs)) continue;
    if (acqVars.has(rhs.replace(/^\(.*?\)\s*/, ''))) continue;
    out.add(name);
  }
  return out;
}

/** The field an acquisition's pages end up in: its pages argument, or `obj->pages = pages` after. */
export function acquiredField(info: FunctionInfo, key: string | undefined): FieldKey | undefined {
  if (!key || key === 'NULL') return undefined;
  return /^\w+$/.test(key) ? storedField(info, key) : fieldKeyOf(info, key);
}

/** `obj->pages = pages` in the acquiring function: the field the pages end up in. */
function storedField(info: FunctionInfo, key: string): FieldKey | undefined {
  const memo = (info.memo.storedFields ??= new Map<string, FieldKey | undefined>());
  if (memo.has(key)) return memo.get(key);
  let out: FieldKey | undefined;
  for (const a of descendantsOf(info.body, 'assignment_expression')) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || !right || left.type !== 'field_expression') continue;
    if (squash(right.text) === key) {
      out = fieldKeyOf(info, left.text);
      break;
    }
  }
  memo.set(key, out);
  return out;
}

/** The field whose pages a release drops (its struct may be unknown). */
export function releasedField(
  info: FunctionInfo,
  relKey: string | undefined,
  freesStorage = false,
): FieldKey | undefined {
  // Freeing a field's array (`free_page((unsigned long)ctx->pages)`) releases no page in it.
  return relKey && !freesStorage ? fieldKeyOf(info, relKey) : undefined;
}

function releaseField(info: FunctionInfo, relKey: string | undefined, freesStorage = false): string | undefined {
  const f = releasedField(info, relKey, freesStorage);
  return f ? fieldKeyText(f) : undefined;
}

/**
 * Fields released with the right kind somewhere, in this file or another (user or kernel pages
 * both handled: quiet).
 */
export function fieldsReleasedRight(
  units: FieldUnit[],
  fields: Map<string, FieldInfo>,
  external?: ExternalFields,
): Set<string> {
  const out = new Set<string>();
  for (const [k, fi] of fields) {
    const ext = external?.get(k);
    if (ext && fi.expected && ext.releasedWith.some((c) => isRightRelease(c, fi.expected!))) out.add(k);
  }
  for (const { info, sites } of units) {
    // The acquiring function's own error path releasing what it just took says nothing about
    // what else the field holds: only another function's right release does.
    const acquiredHere = new Set(sites.acquisitions.map((a) => textOf(acquiredField(info, a.key))));
    for (const rel of sites.releases) {
      const k = releaseField(info, rel.key, rel.freesStorage);
      const fi = k ? fields.get(k) : undefined;
      if (k && fi?.expected && isRightRelease(rel.kind.cls, fi.expected) && !acquiredHere.has(k)) out.add(k);
    }
  }
  return out;
}

/**
 * A function's releases of fields that an acquisition elsewhere in the file filled: `partners`,
 * all of them, right or wrong (for pairings: hover and highlights show the teardown's release of
 * the setup's pins); `wrong`, those of another class than the field's pages need, when no function
 * of the file releases the field right (then it holds kernel and user pages alike, and we stay
 * quiet): the rules' fieldReleases.
 */
export function fieldReleasesOf(
  unit: FieldUnit,
  fields: Map<string, FieldInfo>,
  rightSomewhere: Set<string>,
): { partners: FunctionFacts['fieldReleases']; wrong: FunctionFacts['fieldReleases'] } {
  const all = fieldReleases(unit, fields);
  return {
    partners: all.map(({ entry }) => entry),
    wrong: all
      .filter(({ key, fi, cls }) => fi.expected && !rightSomewhere.has(key) && !isRightRelease(cls, fi.expected))
      .map(({ entry }) => entry),
  };
}

function fieldReleases(unit: FieldUnit, fields: Map<string, FieldInfo>) {
  const { info, sites } = unit;
  const ownKeys = new Set(sites.acquisitions.map((a) => a.key));
  return sites.releases.flatMap((rel, index) => {
    const key = releaseField(info, rel.key, rel.freesStorage);
    const fi = key ? fields.get(key) : undefined;
    if (!key || !fi || fi.conflict || ownKeys.has(rel.key)) return [];
    if (!fi.acquisition.file && fi.functionName === info.name && fi.key === rel.key) return [];
    const entry = { release: index, acquisition: fi.acquisition, functionName: fi.functionName };
    return [{ key, fi, cls: rel.kind.cls, entry }];
  });
}

/**
 * The field facts one function's result depends on, for its cache key: for each field its
 * releases touch, where the filling acquisition is (rows relative to `row`), whether the field is
 * ambiguous and whether it is released right somewhere in the file.
 */
export function fieldSignature(
  info: FunctionInfo,
  sites: PlainSites,
  fields: Map<string, FieldInfo>,
  rightSomewhere: Set<string>,
  row: number,
): string {
  const out = new Set<string>();
  for (const rel of sites.releases) {
    const k = releaseField(info, rel.key, rel.freesStorage);
    const fi = k ? fields.get(k) : undefined;
    if (!k || !fi) continue;
    // Another file's acquisition does not move with this function: its place is absolute.
    const { file, range } = fi.acquisition;
    const at = file ? `${file}:${range.start.line}` : `${range.start.line - row}`;
    out.add(
      `${k}:${at}.${range.start.column}${fi.conflict ? 'C' : ''}${rightSomewhere.has(k) ? 'R' : ''}${fi.expected ?? ''}`,
    );
  }
  return [...out].sort().join(',');
}

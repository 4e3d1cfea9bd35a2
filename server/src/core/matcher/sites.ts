/**
 * Finding acquisitions and releases in a function, with the storage their pages live in.
 * Acquisitions come from the API table and from same-file wrappers; releases from the table and
 * from same-file helpers that release a parameter (see summaries.ts).
 */
import {
  familyAtCall,
  findAcquisition,
  findRelease,
  releaseClassAtCall,
  type AcquisitionFamily,
  type ReleaseClass,
  type ReleaseSpec,
  type ReturnKind,
} from '../api-table.ts';
import type { Node } from '../parser.ts';
import type { Location, Range } from '../types.ts';
import type { Aliases } from './aliases.ts';
import {
  callArguments,
  calleeName,
  calleeRange,
  declaratorName,
  rangeOf,
  squash,
  storageKey,
  unwrap,
} from './syntax.ts';

/**
 * Where an argument is: by the call's argument count (a table row: signatures changed across
 * kernel eras), at one index (a same-file wrapper), or nowhere. Plain data, so kinds can be kept,
 * compared and sent anywhere.
 */
export type ArgIndex = { byArgc: Readonly<Record<number, number>> } | { at: number } | { none: true };

export function argAt(a: ArgIndex, argc: number): number | undefined {
  if ('byArgc' in a) return a.byArgc[argc];
  if ('at' in a) return a.at;
  return undefined;
}

/** A release call inside a same-file helper: where it is, in plain ranges (no tree node). */
export interface HelperRelease {
  /** The called release's name in the helper (`put_page`). */
  nameRange: Range;
  callRange: Range;
  /** A helper defined in another file of the module (the ownership index): its file. */
  file?: string;
}

/** A helper's release as a place (a finding's location, a pairing's `releasedAt`). */
export const helperPlace = ({ nameRange, file }: HelperRelease): Location => ({
  range: nameRange,
  ...(file ? { file } : {}),
});

/** An acquisition as the analysis sees it: a table row, or a same-file wrapper around one. */
export interface AcquisitionKind {
  name: string;
  family: AcquisitionFamily;
  pagesArg: ArgIndex;
  /** The requested count; for `returns: 'array'`, the out-parameter the count is written to. */
  countArg: ArgIndex;
  single: boolean;
  pagesByReference: boolean;
  returns: ReturnKind;
  trackLeaks: boolean;
  /** The wrapped acquisition, for messages ("foo_pin() → pin_user_pages_fast()"). */
  wraps?: string;
  /** A wrapper that releases a partial result itself: callers get all pages or an error. */
  allOrNothing?: boolean;
  /** A wrapper defined in another file of the module (the ownership index). */
  file?: string;
  /** Pins only when this test is true (iov_iter_extract_will_pin): see pin-conditions.ts. */
  pinsWhen?: string;
}

export interface ReleaseKind {
  name: string;
  cls: ReleaseClass;
  objectIndex: number;
  countIndex?: number;
  batch: boolean;
  /** The table row of the call that really releases (inside the helper for helpers). */
  spec: ReleaseSpec;
  /** For same-file helpers: the release call inside the helper. */
  inner?: HelperRelease;
  /**
   * A helper that releases one way or the other under `switch (selector)` (`cls` is then
   * `matching`): the kind for each case value, absent where that case releases both ways.
   */
  byCase?: CaseReleases;
}

export interface CaseReleases {
  /** The parameter the helper switches on. */
  selector: number;
  cases: Array<{ value: string; kind?: ReleaseKind }>;
}

export type ResultUse = 'assigned' | 'condition' | 'returned' | 'ignored' | 'other';

export interface AcquisitionSite {
  call: Node;
  kind: AcquisitionKind;
  /** Storage key of the pages (after aliases), undefined when unknown, "NULL" for probing. */
  key?: string;
  /** The pages argument as written. */
  pagesNode?: Node;
  single: boolean;
  /** The requested count; for a wrapper returning the array, the variable the count lands in (`nr` of `&nr`). */
  countNode?: Node;
  resultVar?: string;
  use: ResultUse;
}

/**
 * An acquisition as plain data (no tree node): what it is and where. A same-function acquisition
 * has its site; one in another function has `functionName`, one in another file `file` too (the
 * ownership index hands those in). Messages and related locations are made from this.
 */
export interface AcquisitionRef {
  name: string;
  /** The table acquisition a wrapper wraps. */
  wraps?: string;
  family: AcquisitionFamily;
  /** The called function's name in the call. */
  range: Range;
  /** The whole call. */
  callRange: Range;
  /** Absent: the file being analysed. */
  file?: string;
  functionName?: string;
}

export function acquisitionRef(
  site: AcquisitionSite | { kind: AcquisitionKind; nameRange: Range; callRange: Range },
  functionName?: string,
): AcquisitionRef {
  return {
    name: site.kind.name,
    ...(site.kind.wraps ? { wraps: site.kind.wraps } : {}),
    family: site.kind.family,
    range: 'call' in site ? calleeRange(site.call) : site.nameRange,
    callRange: 'call' in site ? rangeOf(site.call) : site.callRange,
    ...(functionName ? { functionName } : {}),
  };
}

export interface ReleaseSite {
  call: Node;
  kind: ReleaseKind;
  key?: string;
  /**
   * A `free` release of the storage itself, not of a page in it (`free_page((unsigned long)pages)`
   * frees the pages array): a release of the pages only when the storage is one page (`&page`).
   */
  freesStorage?: boolean;
  objectNode?: Node;
  countNode?: Node;
}

/** The table's kinds are the same for a name every time: read once (callers never change a kind). */
const tableAcquisitions = new Map<string, AcquisitionKind | undefined>();
const tableReleases = new Map<string, ReleaseKind | undefined>();

export function acquisitionKindFromTable(name: string): AcquisitionKind | undefined {
  if (tableAcquisitions.has(name)) return tableAcquisitions.get(name);
  const spec = findAcquisition(name);
  const kind: AcquisitionKind | undefined = spec && {
    name,
    family: spec.family,
    pagesArg: { byArgc: spec.pagesArg },
    countArg: spec.countArg ? { byArgc: spec.countArg } : { none: true },
    single: spec.single ?? false,
    pagesByReference: spec.pagesByReference ?? false,
    returns: spec.returns,
    trackLeaks: spec.trackLeaks ?? true,
    ...(spec.pinsWhen ? { pinsWhen: spec.pinsWhen } : {}),
  };
  tableAcquisitions.set(name, kind);
  return kind;
}

export function releaseKindFromTable(name: string): ReleaseKind | undefined {
  if (tableReleases.has(name)) return tableReleases.get(name);
  const spec = findRelease(name);
  const kind: ReleaseKind | undefined = spec && {
    name,
    cls: spec.cls,
    objectIndex: spec.objectArg,
    countIndex: spec.countArg,
    batch: spec.batch,
    spec,
  };
  tableReleases.set(name, kind);
  return kind;
}

/** How the result of a call is used: assigned to a variable, tested, returned, ignored… */
export function resultUse(call: Node): { use: ResultUse; variable?: string } {
  let child = call;
  let parent = call.parent;
  for (let i = 0; parent && i < 32; i++) {
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        child = parent;
        parent = parent.parent;
        continue;
      case 'assignment_expression': {
        const left = parent.childForFieldName('left');
        const op = parent.childForFieldName('operator')?.text;
        if (op === '=' && left && left.id !== child.id) {
          const u = unwrap(left);
          if (u.type === 'identifier') {
            const inCondition = isInCondition(parent);
            return { use: inCondition ? 'condition' : 'assigned', variable: u.text };
          }
        }
        return { use: 'other' };
      }
      case 'init_declarator': {
        return { use: 'assigned', variable: declaratorName(parent.childForFieldName('declarator')) };
      }
      case 'expression_statement':
        return { use: 'ignored' };
      case 'return_statement':
        return { use: 'returned' };
      default:
        return { use: isInCondition(call) ? 'condition' : 'other' };
    }
  }
  return { use: 'other' };
}

function isInCondition(node: Node): boolean {
  let n: Node | null = node;
  for (let i = 0; n && i < 32; i++) {
    const p: Node | null = n.parent;
    if (!p) return false;
    if (
      (p.type === 'if_statement' ||
        p.type === 'while_statement' ||
        p.type === 'do_statement' ||
        p.type === 'for_statement') &&
      p.childForFieldName('condition')?.id === n.id
    )
      return true;
    if (p.type.endsWith('statement') || p.type === 'declaration') return false;
    n = p;
  }
  return false;
}

/** The kind at one call: a flags-decided (mm-internal) acquisition takes the family its flags give. */
function kindAtCall(kind: AcquisitionKind, args: readonly Node[]): AcquisitionKind {
  const spec = kind.wraps ? undefined : findAcquisition(kind.name);
  if (!spec?.flagsArg) return kind;
  const family = familyAtCall(
    spec,
    args.map((a) => a.text),
  );
  // Undecidable (the flags are a variable passed through): no family to judge, nothing tracked.
  return family ? { ...kind, family } : { ...kind, family: 'extract', trackLeaks: false };
}

export function acquisitionSite(call: Node, callKind: AcquisitionKind, aliases: Aliases): AcquisitionSite {
  const args = callArguments(call);
  const kind = kindAtCall(callKind, args);
  const pi = argAt(kind.pagesArg, args.length);
  const ci = argAt(kind.countArg, args.length);
  const pagesNode = pi !== undefined ? args[pi] : undefined;
  const countNode = ci !== undefined ? args[ci] : undefined;
  const { use, variable } = resultUse(call);
  let key: string | undefined;
  let single = kind.single;
  let count = countNode;
  if (kind.returns === 'page') {
    // The page comes back as the result: it lives in the variable it is assigned to.
    key = variable;
    single = true;
  } else if (kind.returns === 'array') {
    // `pages = foo_get_pages(addr, &nr)`: the array is the result, the count lands in `nr`.
    key = variable;
    const u = countNode ? unwrap(countNode) : undefined;
    const target = u?.type === 'pointer_expression' ? u.childForFieldName('argument') : null;
    count =
      u?.type === 'pointer_expression' && u.childForFieldName('operator')?.text === '&' && target ? target : undefined;
  } else if (pagesNode) {
    key = storageKey(pagesNode);
    const u = unwrap(pagesNode);
    if (u.type === 'pointer_expression' && u.childForFieldName('operator')?.text === '&' && !kind.pagesByReference) {
      const target = unwrap(u.childForFieldName('argument')!);
      if (target.type === 'identifier' || target.type === 'field_expression') single = true;
    }
  }
  if (count && squash(count.text) === '1') single = true;
  if (key && key !== 'NULL') key = aliases.resolve(key);
  return { call, kind, key, pagesNode, single, countNode: count, resultVar: variable, use };
}

export function releaseSite(call: Node, callKind: ReleaseKind, aliases: Aliases): ReleaseSite {
  const args = callArguments(call);
  // page_ref_sub(page, GUP_PIN_COUNTING_BIAS): the amount at this call decides what it drops.
  const kind =
    callKind.inner || callKind.spec.amountArg === undefined
      ? callKind
      : {
          ...callKind,
          cls: releaseClassAtCall(
            callKind.spec,
            args.map((a) => a.text),
          ),
        };
  const objectNode = args[kind.objectIndex];
  const countNode = kind.countIndex !== undefined ? args[kind.countIndex] : undefined;
  let key = storageKey(objectNode);
  if (key && key !== 'NULL') key = aliases.resolve(key);
  const site: ReleaseSite = { call, kind, key, objectNode, countNode };
  if (kind.cls === 'free' && objectNode) {
    const u = unwrap(objectNode);
    if (u.type === 'identifier' || u.type === 'field_expression') site.freesStorage = true;
  }
  return site;
}

/** The plain location of a release call, for a helper's summary. */
export function helperReleaseOf(call: Node): HelperRelease {
  return { nameRange: calleeRange(call), callRange: rangeOf(call) };
}

export { calleeName };

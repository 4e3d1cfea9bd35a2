/**
 * FileFacts: what one C file says about user pages, as plain JSON — each function's summary (it
 * releases parameter k with class X, it acquires for its caller), its acquisitions and releases
 * with typed storage keys, and the struct-field events keyed by {struct, path}. Extracted from a
 * tree and usable after the tree is deleted, in a worker, or from a cache; the ownership index
 * (ownership across functions and files) merges the FileFacts of a module. Who asks: the unit
 * driver's callers through analyze.ts `extractFileFacts`, tests, and the index.
 */
import type { AcquisitionFamily, NeededClass, ReleaseClass, ReturnKind } from '../api-table.ts';
import type { FieldKey } from '../matcher/fields.ts';
import type { ResultUse } from '../matcher/sites.ts';
import type { ApiModel, Location } from '../types.ts';

export type { FieldKey } from '../matcher/fields.ts';

/** Where pages live, as the matcher reads a pages or page argument. */
export type StorageKey =
  /** NULL or 0: no pages array (probing only). */
  | { kind: 'null' }
  /** A local variable, or a parameter (its index) that the caller owns. */
  | { kind: 'variable'; name: string; param?: number }
  /** A struct field: `ctx->pages` is {struct: the type of ctx, path: 'pages'}, base `ctx`. */
  | { kind: 'field'; field: FieldKey; base: string }
  /** Anything else (a call's result, an expression the matcher does not follow). */
  | { kind: 'unknown' };

export interface ParamRelease {
  /** 0-based parameter index. */
  param: number;
  cls: ReleaseClass;
  /** The table release the helper calls (`put_page`, `unpin_user_pages`…). */
  release: string;
  /** That call's name, and the whole call. */
  at: Location;
  callAt: Location;
  /** The parameter the helper passes on as the release count, when it has one. */
  countParam?: number;
  /**
   * Released one way or the other under `switch (selector)` (cls `matching`): the release of each
   * case value; a case without `release` releases both ways.
   */
  byCase?: { selector: number; cases: Array<{ value: string; release?: Omit<ParamRelease, 'param' | 'byCase'> }> };
}

/** A function that acquires for its caller (a wrapper): what a call to it does. */
export interface AcquiresFor {
  family: AcquisitionFamily;
  returns: ReturnKind;
  /** Parameter the pages go into; absent when the page is returned. */
  pagesParam?: number;
  countParam?: number;
  single: boolean;
  pagesByReference: boolean;
  allOrNothing: boolean;
  trackLeaks: boolean;
  /** The table acquisition underneath. */
  wraps: string;
}

export interface AcquisitionFact {
  call: string;
  family: AcquisitionFamily;
  at: Location;
  into: StorageKey;
  /** The release class these pages need in the file's model; absent when undecidable. */
  expected?: NeededClass;
  use: ResultUse;
}

export interface ReleaseFact {
  /** The called function (a helper's name for a helper call). */
  call: string;
  cls: ReleaseClass;
  /** The table release underneath. */
  release: string;
  at: Location;
  of: StorageKey;
}

export interface FunctionFactsJson {
  name: string;
  /** Declared `static`: callable only from this file. */
  isStatic: boolean;
  /** The functions it calls, by name (for the ownership index: who calls another file's helper). */
  calls: string[];
  at: Location;
  releasesParams: ParamRelease[];
  acquiresFor?: AcquiresFor;
  acquisitions: AcquisitionFact[];
  releases: ReleaseFact[];
}

/** An acquisition into, or a release of, a struct field. */
export interface FieldEvent {
  field: FieldKey;
  event: 'acquire' | 'release';
  functionName: string;
  call: string;
  at: Location;
  /** The whole call. */
  callAt: Location;
  /** An acquisition through a wrapper: the table acquisition underneath. */
  wraps?: string;
  family?: AcquisitionFamily;
  cls?: ReleaseClass;
}

export interface FileFacts {
  /** Format of this JSON; bumped on any incompatible change. */
  format: 1;
  model: ApiModel;
  functions: FunctionFactsJson[];
  fields: FieldEvent[];
  /**
   * Field names (the last member: `pages`) this file assigns anything but an allocation, NULL or
   * acquired pages: another source of pages for a field of that name, in any file of the module.
   */
  otherSources: string[];
}

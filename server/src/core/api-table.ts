/**
 * The kernel API that gup-review knows, as data (domain.md §3): the acquisitions and releases,
 * and what each call of one takes or gives back in a model. The calls around them (hand-off
 * sinks, borrowers, object frees, extra references) are in api-other-calls.ts. The analysis reads
 * these tables; no kernel function name is spelled anywhere else in the core.
 */
import { findSink, isBorrower, isObjectFree, takesExtraReference } from './api-other-calls.ts';
import type { ApiModel } from './types.ts';

/**
 * What an acquisition takes:
 * - `gup`: get_user_pages*: FOLL_GET upstream (release with put_page), a pin in the 2019 model;
 * - `pin`: pin_user_pages* and friends (FOLL_PIN): release with unpin_user_page*;
 * - `ref`: ordinary page references (iov_iter_get_pages*): release with put_page in both models;
 * - `extract`: iov_iter_extract_pages: pins only for user-backed iterators; undecidable here.
 */
export type AcquisitionFamily = 'gup' | 'pin' | 'ref' | 'extract';

/** How the acquisition reports success. */
export type ReturnKind =
  | 'count' // long/int: pages taken (may be fewer than asked), or -errno
  | 'bool' // true when the one page was taken
  | 'page' // the page itself (or NULL / ERR_PTR)
  | 'array' // the pages array itself (or NULL / ERR_PTR), the count in an out-parameter (wrappers)
  | 'bytes' // ssize_t bytes covered, or -errno (iov_iter)
  | 'void';

export interface AcquisitionSpec {
  name: string;
  family: AcquisitionFamily;
  /** Index of the pages argument, by the number of arguments at the call (eras differ). */
  pagesArg: Record<number, number>;
  /** Index of the requested page count, by the number of arguments; absent when fixed to one. */
  countArg?: Record<number, number>;
  /** The pages argument points to the array pointer (`&pages`), as with the *_alloc variants. */
  pagesByReference?: boolean;
  /** The pages argument receives one page (e.g. `&page`), never an array. */
  single?: boolean;
  returns: ReturnKind;
  /** Eras in which the function exists, for hovers and messages. */
  era: string;
  /** Whether a missing release can be decided (false: pins only sometimes, or adds to a caller's object). */
  trackLeaks?: boolean;
  /**
   * mm-internal calls that take the gup flags as an argument (by argument count): the family is
   * the call's own, `pin` when the flags passed name FOLL_PIN, `gup` when they name FOLL_GET, and
   * undecidable (quiet) when they are a variable passed through.
   */
  flagsArg?: Record<number, number>;
  /**
   * Pins only when this test of the same iterator is true (and takes no reference otherwise):
   * each release is judged by the test around it (matcher/pin-conditions.ts).
   */
  pinsWhen?: string;
}

/**
 * What a release gives back:
 * - `ref`: drops ordinary references (put_page, release_pages, folio_put);
 * - `pin`: drops pins (unpin_user_page*, and the 2019/5.2–5.5 put_user_page*);
 * - `free`: frees the page as the kernel's own (__free_page, free_page): never right for pages
 *   from an acquisition, which the user still maps (domain.md §5);
 * - `matching`: drops whatever the pages hold, as recorded with them at run time (bio_release_page:
 *   the bio's BIO_PAGE_PINNED flag), or by an amount that cannot be read (page_ref_sub(page, refs)):
 *   a release, never judged the wrong kind.
 */
export type ReleaseClass = NeededClass | 'free' | 'matching';

/** Whether a release of class `cls` is right for pages that need `needed` (`matching` drops whatever they hold). */
export function isRightRelease(cls: ReleaseClass, needed: NeededClass): boolean {
  return cls === needed || cls === 'matching';
}

/** The release kinds pages from an acquisition can need. */
export type NeededClass = 'ref' | 'pin';

export interface ReleaseSpec {
  name: string;
  cls: ReleaseClass;
  /** Index of the page (single) or pages array (batch) argument. */
  objectArg: number;
  /** Index of the count argument of batch releases. */
  countArg?: number;
  batch: boolean;
  /** Marks the pages dirty before releasing (always, or per the `dirtyArg` flag). */
  dirties?: 'always' | 'flag';
  dirtyArg?: number;
  /** `folio` releases take a folio, not a page; `bio` releases drop the pages handed to a bio. */
  object: 'page' | 'folio' | 'bio';
  /**
   * The number of references dropped (page_ref_sub): GUP_PIN_COUNTING_BIAS (or a literal multiple
   * of it) there drops pins, another literal drops references, anything else is `matching`.
   */
  amountArg?: number;
  era: string;
  /**
   * The call to use instead, per wanted release kind, keeping the same arguments:
   * `pin-2019` in the put_user_page model, `pin` upstream, `ref` for GET pages.
   */
  counterpart: Partial<Record<'pin-2019' | 'pin' | 'ref', string>>;
}

const A = (s: AcquisitionSpec): AcquisitionSpec => s;

/** Every acquisition, both eras (domain.md §3 table and "Other eras"). */
// prettier-ignore
export const ACQUISITIONS: readonly AcquisitionSpec[] = [
  // 6.1: (start, nr, flags, pages, vmas); 6.5+: no vmas; ≤4.5: (tsk, mm, start, nr, write, force, pages, vmas)
  A({ name: 'get_user_pages', family: 'gup', pagesArg: { 4: 3, 5: 3, 8: 6 }, countArg: { 4: 1, 5: 1, 8: 3 }, returns: 'count', era: 'all' }),
  A({ name: 'pin_user_pages', family: 'pin', pagesArg: { 4: 3, 5: 3 }, countArg: { 4: 1, 5: 1 }, returns: 'count', era: '5.6+' }),
  // 6.1: (mm, start, nr, flags, pages, vmas, locked); ≤5.8: leading tsk; 6.5+: no vmas
  A({ name: 'get_user_pages_remote', family: 'gup', pagesArg: { 6: 4, 7: 4, 8: 5 }, countArg: { 6: 2, 7: 2, 8: 3 }, returns: 'count', era: 'all' }),
  A({ name: 'pin_user_pages_remote', family: 'pin', pagesArg: { 6: 4, 7: 4, 8: 5 }, countArg: { 6: 2, 7: 2, 8: 3 }, returns: 'count', era: '5.6+' }),
  // (start, nr, pages, flags); ≤4.8: (tsk, mm, start, nr, pages, flags)
  A({ name: 'get_user_pages_unlocked', family: 'gup', pagesArg: { 4: 2, 6: 4 }, countArg: { 4: 1, 6: 3 }, returns: 'count', era: 'all' }),
  A({ name: 'pin_user_pages_unlocked', family: 'pin', pagesArg: { 4: 2 }, countArg: { 4: 1 }, returns: 'count', era: '5.6+' }),
  A({ name: 'get_user_pages_fast', family: 'gup', pagesArg: { 4: 3 }, countArg: { 4: 1 }, returns: 'count', era: 'all (int write until 5.1)' }),
  A({ name: 'pin_user_pages_fast', family: 'pin', pagesArg: { 4: 3 }, countArg: { 4: 1 }, returns: 'count', era: '5.6+' }),
  A({ name: 'get_user_pages_fast_only', family: 'gup', pagesArg: { 4: 3 }, countArg: { 4: 1 }, returns: 'count', era: '5.8+' }),
  A({ name: 'pin_user_pages_fast_only', family: 'pin', pagesArg: { 4: 3 }, countArg: { 4: 1 }, returns: 'count', era: '5.8–6.3' }),
  A({ name: '__get_user_pages_fast', family: 'gup', pagesArg: { 4: 3 }, countArg: { 4: 1 }, returns: 'count', era: '≤5.7' }),
  A({ name: 'get_user_page_fast_only', family: 'gup', pagesArg: { 3: 2 }, single: true, returns: 'bool', era: '5.8+' }),
  A({ name: 'get_user_pages_longterm', family: 'gup', pagesArg: { 5: 3 }, countArg: { 5: 1 }, returns: 'count', era: '≤5.1' }),
  A({ name: 'get_user_pages_locked', family: 'gup', pagesArg: { 5: 3 }, countArg: { 5: 1 }, returns: 'count', era: '≤5.17' }),
  A({ name: 'pin_user_pages_locked', family: 'pin', pagesArg: { 5: 3 }, countArg: { 5: 1 }, returns: 'count', era: '5.8–5.17' }),
  A({ name: 'get_user_page_vma_remote', family: 'ref', pagesArg: {}, single: true, returns: 'page', era: '6.5+' }),
  A({ name: 'memfd_pin_folios', family: 'pin', pagesArg: { 6: 3 }, countArg: { 6: 4 }, returns: 'count', era: '6.11+' }),
  // (i, pages, maxsize, maxpages, &start)
  A({ name: 'iov_iter_get_pages', family: 'ref', pagesArg: { 5: 1 }, returns: 'bytes', era: '≤5.19' }),
  A({ name: 'iov_iter_get_pages2', family: 'ref', pagesArg: { 5: 1 }, returns: 'bytes', era: '6.0+' }),
  // (i, &pages, maxsize, &start): allocates the array
  A({ name: 'iov_iter_get_pages_alloc', family: 'ref', pagesArg: { 4: 1 }, pagesByReference: true, returns: 'bytes', era: '≤5.19' }),
  A({ name: 'iov_iter_get_pages_alloc2', family: 'ref', pagesArg: { 4: 1 }, pagesByReference: true, returns: 'bytes', era: '6.0+' }),
  // (i, &pages, maxsize, maxpages, flags, &offset): pins only when iov_iter_extract_will_pin()
  A({ name: 'iov_iter_extract_pages', family: 'extract', pagesArg: { 6: 1 }, pagesByReference: true, returns: 'bytes', era: '6.3+', trackLeaks: false, pinsWhen: 'iov_iter_extract_will_pin' }),
  // mm-internal (mm/gup.c 5.x–6.x): FOLL_PIN or FOLL_GET in the flags argument decides the family.
  // (mm, start, nr, pages, vmas, locked, flags); 6.5+: (mm, start, nr, pages, locked, flags)
  A({ name: '__get_user_pages_locked', family: 'gup', pagesArg: { 7: 3, 6: 3 }, countArg: { 7: 2, 6: 2 }, flagsArg: { 7: 6, 6: 5 }, returns: 'count', era: 'all (mm-internal: FOLL_PIN or FOLL_GET in its flags decides)' }),
  // (mm, start, nr, pages, vmas, flags); 6.5+: (mm, start, nr, pages, locked, flags)
  A({ name: '__gup_longterm_locked', family: 'gup', pagesArg: { 6: 3 }, countArg: { 6: 2 }, flagsArg: { 6: 5 }, returns: 'count', era: '5.2+ (mm-internal: FOLL_PIN or FOLL_GET in its flags decides)' }),
  // (start, nr, flags, pages)
  A({ name: 'internal_get_user_pages_fast', family: 'gup', pagesArg: { 4: 3 }, countArg: { 4: 1 }, flagsArg: { 4: 2 }, returns: 'count', era: '5.6+ (mm-internal: FOLL_PIN or FOLL_GET in its flags decides)' }),
  // Adds a pin to a folio the caller already holds: no new object to follow.
  A({ name: 'folio_add_pin', family: 'pin', pagesArg: { 1: 0 }, single: true, returns: 'void', era: '6.5+', trackLeaks: false }),
];

const R = (s: ReleaseSpec): ReleaseSpec => s;

/** Every release (domain.md §3). */
// prettier-ignore
export const RELEASES: readonly ReleaseSpec[] = [
  R({ name: 'put_page', cls: 'ref', objectArg: 0, batch: false, object: 'page', era: 'all', counterpart: { 'pin-2019': 'put_user_page', pin: 'unpin_user_page' } }),
  R({ name: 'page_cache_release', cls: 'ref', objectArg: 0, batch: false, object: 'page', era: '≤4.5', counterpart: { 'pin-2019': 'put_user_page', pin: 'unpin_user_page', ref: 'put_page' } }),
  R({ name: 'folio_put', cls: 'ref', objectArg: 0, batch: false, object: 'folio', era: '5.16+', counterpart: { pin: 'unpin_folio' } }),
  R({ name: 'release_pages', cls: 'ref', objectArg: 0, countArg: 1, batch: true, object: 'page', era: 'all', counterpart: { 'pin-2019': 'put_user_pages', pin: 'unpin_user_pages' } }),
  R({ name: 'put_user_page', cls: 'pin', objectArg: 0, batch: false, object: 'page', era: 'RFC 2019, 5.2–5.5', counterpart: { ref: 'put_page', pin: 'unpin_user_page' } }),
  R({ name: 'put_user_pages', cls: 'pin', objectArg: 0, countArg: 1, batch: true, object: 'page', era: 'RFC 2019, 5.2–5.5', counterpart: { ref: 'release_pages', pin: 'unpin_user_pages' } }),
  R({ name: 'put_user_pages_dirty', cls: 'pin', objectArg: 0, countArg: 1, batch: true, dirties: 'always', object: 'page', era: 'RFC 2019, 5.2–5.3', counterpart: {} }),
  R({ name: 'put_user_pages_dirty_lock', cls: 'pin', objectArg: 0, countArg: 1, batch: true, dirties: 'flag', dirtyArg: 2, object: 'page', era: 'RFC 2019, 5.2–5.5', counterpart: { pin: 'unpin_user_pages_dirty_lock' } }),
  R({ name: 'unpin_user_page', cls: 'pin', objectArg: 0, batch: false, object: 'page', era: '5.6+', counterpart: { ref: 'put_page', 'pin-2019': 'put_user_page' } }),
  R({ name: 'unpin_user_pages', cls: 'pin', objectArg: 0, countArg: 1, batch: true, object: 'page', era: '5.6+', counterpart: { ref: 'release_pages', 'pin-2019': 'put_user_pages' } }),
  R({ name: 'unpin_user_pages_dirty_lock', cls: 'pin', objectArg: 0, countArg: 1, batch: true, dirties: 'flag', dirtyArg: 2, object: 'page', era: '5.6+', counterpart: { 'pin-2019': 'put_user_pages_dirty_lock' } }),
  R({ name: 'unpin_user_page_range_dirty_lock', cls: 'pin', objectArg: 0, countArg: 1, batch: true, dirties: 'flag', dirtyArg: 2, object: 'page', era: '5.12+', counterpart: {} }),
  R({ name: 'unpin_folio', cls: 'pin', objectArg: 0, batch: false, object: 'folio', era: '6.11+', counterpart: { ref: 'folio_put' } }),
  R({ name: 'unpin_folios', cls: 'pin', objectArg: 0, countArg: 1, batch: true, object: 'folio', era: '6.11+', counterpart: {} }),
  // kunmap_local(addr) then put_page(page): a plain reference drop (no pin counterpart: kunmap_local + unpin_user_page).
  R({ name: 'unmap_and_put_page', cls: 'ref', objectArg: 0, batch: false, object: 'page', era: '6.4+', counterpart: {} }),
  // Frees a page the kernel allocated; on pages from an acquisition, wrong in every model. free_page() and free_pages() take the address.
  R({ name: '__free_page', cls: 'free', objectArg: 0, batch: false, object: 'page', era: 'all', counterpart: { 'pin-2019': 'put_user_page', pin: 'unpin_user_page', ref: 'put_page' } }),
  R({ name: '__free_pages', cls: 'free', objectArg: 0, batch: false, object: 'page', era: 'all', counterpart: {} }),
  R({ name: 'free_page', cls: 'free', objectArg: 0, batch: false, object: 'page', era: 'all', counterpart: {} }),
  R({ name: 'free_pages', cls: 'free', objectArg: 0, batch: false, object: 'page', era: 'all', counterpart: {} }),
  // 6.5+ (block/blk.h): unpins when the bio is marked BIO_PAGE_PINNED (and put_page()s when BIO_PAGE_REFFED, 6.5).
  R({ name: 'bio_release_page', cls: 'matching', objectArg: 1, batch: false, object: 'page', era: '6.5+', counterpart: {} }),
  // Releases every page handed to the bio (bio_add_page…), by its flags: the bio's own release.
  R({ name: 'bio_release_pages', cls: 'matching', objectArg: 0, batch: false, object: 'bio', era: 'all', counterpart: {} }),
  // Drops nr references at once: nr = GUP_PIN_COUNTING_BIAS (5.7+) drops one pin.
  R({ name: 'page_ref_sub', cls: 'matching', objectArg: 0, batch: false, object: 'page', amountArg: 1, era: 'all', counterpart: {} }),
  R({ name: 'unpin_user_folio', cls: 'pin', objectArg: 0, countArg: 1, batch: false, object: 'folio', era: '6.12+', counterpart: {} }),
];

const acquisitionByName = new Map(ACQUISITIONS.map((a) => [a.name, a]));
const releaseByName = new Map(RELEASES.map((r) => [r.name, r]));

export const findAcquisition = (name: string): AcquisitionSpec | undefined => acquisitionByName.get(name);
export const findRelease = (name: string): ReleaseSpec | undefined => releaseByName.get(name);

/**
 * Whether the table knows a function in any role (acquisition, release, hand-off sink, borrower,
 * object free, extra reference): the kernel's own API, which a file that defines it (mm/gup.c's
 * get_user_pages(), mm/slob.c's kfree()) never turns into a helper or wrapper for others.
 */
export const isTableFunction = (name: string): boolean =>
  !!findAcquisition(name) ||
  !!findRelease(name) ||
  !!findSink(name) ||
  isBorrower(name) ||
  isObjectFree(name) ||
  takesExtraReference(name);

/** Release kind a page from this family needs, in this model; undefined when undecidable. */
export function expectedReleaseClass(family: AcquisitionFamily, model: ApiModel): NeededClass | undefined {
  switch (family) {
    case 'gup':
      return model === 'put_user_page' ? 'pin' : 'ref';
    case 'pin':
      return 'pin';
    case 'ref':
      return 'ref';
    case 'extract':
      return undefined;
  }
}

/** Key under which `ReleaseSpec.counterpart` names the right call. */
export function counterpartKey(
  cls: NeededClass,
  model: ApiModel,
  family?: AcquisitionFamily,
): 'pin-2019' | 'pin' | 'ref' {
  if (cls === 'ref') return 'ref';
  // pin_user_pages* exist from 5.6 on, where they pair with unpin_user_page* whatever the model.
  // iov_iter_extract_pages() (6.3+) likewise pins with FOLL_PIN.
  if (family === 'pin' || family === 'extract') return 'pin';
  return model === 'put_user_page' ? 'pin-2019' : 'pin';
}

/** The one-page release for a wanted kind (`pin-2019` → put_user_page, `pin` → unpin_user_page, `ref` → put_page). */
export function singleReleaseFor(key: 'pin-2019' | 'pin' | 'ref'): string {
  return { 'pin-2019': 'put_user_page', pin: 'unpin_user_page', ref: 'put_page' }[key];
}

/**
 * The family of one call of an acquisition: the table's, or for mm-internal calls whose gup flags
 * decide (`flagsArg`), pin when the flags passed name FOLL_PIN, gup when they name FOLL_GET, and
 * undefined (undecidable) otherwise. `argTexts`: the call's arguments as written. The matcher
 * (sites.ts) and the hover (call-info.ts) both ask here.
 */
export function familyAtCall(spec: AcquisitionSpec, argTexts: readonly string[]): AcquisitionFamily | undefined {
  if (!spec.flagsArg) return spec.family;
  const fi = spec.flagsArg[argTexts.length];
  const flags = fi === undefined ? '' : (argTexts[fi] ?? '');
  if (/\bFOLL_PIN\b/.test(flags)) return 'pin';
  if (/\bFOLL_GET\b/.test(flags)) return 'gup';
  return undefined;
}

/**
 * The class of one call of a release: the table's, or for releases by an amount (`amountArg`,
 * page_ref_sub) pin when the amount names GUP_PIN_COUNTING_BIAS or is a literal multiple of the
 * bias, ref for another literal, and matching (undecidable, never judged) otherwise.
 */
export function releaseClassAtCall(spec: ReleaseSpec, argTexts: readonly string[]): ReleaseClass {
  if (spec.amountArg === undefined) return spec.cls;
  const amount = (argTexts[spec.amountArg] ?? '').trim();
  if (/\bGUP_PIN_COUNTING_BIAS\b/.test(amount)) return 'pin';
  if (!/^(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.test(amount)) return 'matching';
  const n = Number.parseInt(
    amount.replace(/[uUlL]+$/, ''),
    amount.startsWith('0x') || amount.startsWith('0X') ? 16 : 10,
  );
  return n > 0 && n % DEFAULT_GUP_PIN_COUNTING_BIAS === 0 ? 'pin' : 'ref';
}

/**
 * The API a release call belongs to, as a counterpart key: a plain reference drop → `ref`, a 2019
 * put_user_page*() (RFC, 5.2–5.5) → `pin-2019`, unpin_user_page*() (5.6+) → `pin`. A loop of right
 * releases batches within the API it already calls: the tree it compiles on has that batch call.
 */
export function releaseApiKey(spec: ReleaseSpec): 'pin-2019' | 'pin' | 'ref' | undefined {
  if (spec.cls === 'ref') return 'ref';
  if (spec.cls !== 'pin') return undefined;
  return spec.era.startsWith('RFC') ? 'pin-2019' : 'pin';
}

/** Batch release to suggest for a loop of single releases, per wanted kind and dirtying. */
export function batchReleaseFor(key: 'pin-2019' | 'pin' | 'ref', dirty: boolean): string | undefined {
  const table = {
    'pin-2019': { plain: 'put_user_pages', dirty: 'put_user_pages_dirty_lock' },
    pin: { plain: 'unpin_user_pages', dirty: 'unpin_user_pages_dirty_lock' },
    ref: { plain: 'release_pages', dirty: undefined },
  } as const;
  return dirty ? table[key].dirty : table[key].plain;
}

/** Names that make a file worth parsing (the project layer's text prefilter). */
export const ACQUISITION_NAME_RE = new RegExp(`\\b(?:${ACQUISITIONS.map((a) => a.name).join('|')})\\b`);

/** The bias (include/linux/mm.h): 1 << 10 unless the tree defines it otherwise. */
export const DEFAULT_GUP_PIN_COUNTING_BIAS = 1 << 10;

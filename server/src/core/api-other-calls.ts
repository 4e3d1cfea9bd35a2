/**
 * The rest of the kernel API that gup-review knows, as data (domain.md §5): calls that neither
 * take pages from user space nor release them but decide where they go. Hand-off sinks take the
 * pages over, borrowers only look at them, object frees give back pages stored into a local
 * object, and extra references add an ordinary reference a later put_page() balances. The
 * acquisitions and releases themselves are in api-table.ts, which also asks here whether a name is
 * the kernel's own (isTableFunction); node-events.ts and family-mismatch.ts ask the lookups.
 */

/**
 * Calls that take the pages over (domain.md §5 hand-offs): after one, the caller no longer
 * owes a release. `arg` is the index of the page or pages argument. `success` says what the call
 * returns when it took the pages: `nonzero` (bio_add_page: the length added, 0 on failure) or
 * `zero` (sg_alloc_table_from_pages: 0, or -errno); a tested call hands off only on its success
 * side. Absent: the call returns nothing to test (void) or nothing this reads. `receiver`: the
 * argument that holds the pages afterwards (the bio): a local one freed on the path (kfree) gives
 * them back, its release (bio_release_pages) releases them.
 */
// prettier-ignore
export const HANDOFF_SINKS: ReadonlyArray<{ name: string; arg: number; what: string; success?: 'nonzero' | 'zero'; receiver?: number }> = [
  { name: 'bio_add_page', arg: 1, what: 'a bio', success: 'nonzero', receiver: 0 },
  { name: '__bio_add_page', arg: 1, what: 'a bio', receiver: 0 },
  { name: 'bio_add_pc_page', arg: 2, what: 'a bio', success: 'nonzero', receiver: 1 },
  { name: 'bio_add_hw_page', arg: 2, what: 'a bio', success: 'nonzero', receiver: 1 },
  { name: 'bio_add_zone_append_page', arg: 1, what: 'a bio', success: 'nonzero', receiver: 0 },
  { name: 'bio_add_folio', arg: 1, what: 'a bio', success: 'nonzero', receiver: 0 },
  { name: 'bvec_set_page', arg: 1, what: 'a bio_vec' },
  { name: 'sg_set_page', arg: 1, what: 'a scatterlist' },
  { name: 'sg_alloc_table_from_pages', arg: 1, what: 'an sg_table', success: 'zero' },
  { name: 'sg_alloc_table_from_pages_segment', arg: 1, what: 'an sg_table', success: 'zero' },
  // ≤5.14: returns the last scatterlist or an ERR_PTR.
  { name: '__sg_alloc_table_from_pages', arg: 1, what: 'an sg_table' },
  { name: 'sg_alloc_append_table_from_pages', arg: 1, what: 'an sg_table', success: 'zero' },
  { name: 'skb_fill_page_desc', arg: 2, what: 'an skb fragment' },
  { name: '__skb_fill_page_desc', arg: 2, what: 'an skb fragment' },
  { name: 'skb_add_rx_frag', arg: 2, what: 'an skb fragment' },
  { name: 'xa_store', arg: 2, what: 'an xarray' },
  { name: 'list_add', arg: 0, what: 'a list' },
  { name: 'list_add_tail', arg: 0, what: 'a list' },
];

/**
 * Calls that only look at a page or the pages array and keep nothing: passing the pages to one
 * of these is neither a release nor a hand-off. Any call not listed here, not a release and not
 * a same-file helper is taken as a possible hand-off (the analysis stays quiet rather than guess).
 */
export const BORROWERS: readonly string[] = [
  'kfree',
  'kvfree',
  'vfree',
  'kmap',
  'kunmap',
  'kmap_local_page',
  'kmap_atomic',
  'kunmap_atomic',
  'kunmap_local',
  'page_address',
  'lowmem_page_address',
  'set_page_dirty',
  'set_page_dirty_lock',
  'SetPageDirty',
  'folio_mark_dirty',
  'flush_dcache_page',
  'flush_anon_page',
  'page_to_pfn',
  'page_to_phys',
  'page_to_virt',
  'page_folio',
  'page_mapping',
  'lock_page',
  'unlock_page',
  'trylock_page',
  'wait_on_page_writeback',
  'PageHighMem',
  'PageAnon',
  'PageCompound',
  'PageHuge',
  'PageTransHuge',
  'PageReserved',
  'PageLRU',
  'PageDirty',
  'PageSwapCache',
  'compound_head',
  'page_count',
  'page_ref_count',
  'page_mapcount',
  'is_zone_device_page',
  'is_zero_page',
  'copy_page',
  'clear_page',
  'clear_highpage',
  'copy_highpage',
  'memcpy_to_page',
  'memcpy_from_page',
  'memzero_page',
  'zero_user',
  'zero_user_segment',
  'copy_to_user',
  'copy_from_user',
  'memcpy',
  'memset',
  'memmove',
  'pr_debug',
  'pr_info',
  'pr_err',
  'pr_warn',
  'printk',
  'dump_page',
  'WARN_ON',
  'WARN_ON_ONCE',
  'BUG_ON',
  'VM_BUG_ON',
  'VM_BUG_ON_PAGE',
  'VM_WARN_ON_ONCE',
  'unlikely',
  'likely',
  'IS_ERR',
  'IS_ERR_OR_NULL',
  'PTR_ERR',
  'sizeof',
  'page_to_nid',
  'page_zone',
  'mark_page_accessed',
  'folio_mark_accessed',
  'dma_map_page',
  'dma_unmap_page',
  'dma_sync_single_for_device',
  'page_size',
  'page_shift',
  'compound_order',
  'folio_nr_pages',
  'folio_test_large',
  'PageHead',
  'PageTail',
  'kasan_check_read',
];

/**
 * Frees of a kernel object (`kfree(req)`): pages stored into a local object that the same path
 * frees this way were never handed off (domain.md §5).
 */
export const OBJECT_FREES: readonly string[] = ['kfree', 'kvfree', 'kfree_sensitive', 'kzfree', 'vfree'];

/** Calls that take an extra ordinary reference on a page, balanced by a later put_page(). */
export const EXTRA_REFERENCES: readonly string[] = [
  'get_page',
  'folio_get',
  'try_get_page',
  'get_page_unless_zero',
  'folio_try_get',
];

const sinkByName = new Map(HANDOFF_SINKS.map((s) => [s.name, s]));
const borrowers = new Set(BORROWERS);
const objectFrees = new Set(OBJECT_FREES);
const extraReferences = new Set(EXTRA_REFERENCES);

export const findSink = (name: string) => sinkByName.get(name);
export const isBorrower = (name: string): boolean =>
  borrowers.has(name) || /^(Page|folio_test_|trace_|pr_|dev_(dbg|info|warn|err)|WARN|BUG|VM_)/.test(name);
export const isObjectFree = (name: string): boolean => objectFrees.has(name);
export const takesExtraReference = (name: string): boolean => extraReferences.has(name);

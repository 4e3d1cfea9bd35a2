/**
 * Local aliases of page storage inside one function: `p = pages[i]`, `struct page **pp = ctx->pages`,
 * `pages[n] = page` (the array now holds the page). Flow-insensitive and conservative: a variable
 * assigned from two different storages is no alias at all.
 */
import type { Node } from '../parser.ts';
import { calleeName, declaratorName, storageKey, unwrap } from './syntax.ts';
import { descendantsOf } from './descendant-index.ts';

/** Memory allocations: a pages array allocated here is fresh storage, no second source of pages. */
const ALLOCATION_RE =
  /^(?:k[mvz]?alloc\w*|kv?calloc|kv?[mz]alloc\w*|v[mz]alloc\w*|k[mv]?alloc_array\w*|krealloc\w*|devm_k\w*alloc\w*)$/;

/** A call that only allocates memory (`kcalloc(…)`): other calls (`alloc_page()`) bring another page. */
function isAllocation(call: Node): boolean {
  const name = calleeName(call);
  return !!name && ALLOCATION_RE.test(name);
}

export class Aliases {
  private readonly map = new Map<string, string>();

  constructor(body: Node) {
    const seen = new Map<string, Set<string>>();
    const note = (name: string, key: string | undefined) => {
      if (!key || key === name || key === 'NULL') return;
      let s = seen.get(name);
      if (!s) seen.set(name, (s = new Set()));
      s.add(key);
    };
    for (const a of descendantsOf(body, 'assignment_expression')) {
      if (a.childForFieldName('operator')?.text !== '=') continue;
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (!left || !right) continue;
      const l = unwrap(left);
      const r = unwrap(right);
      // Fresh storage (kmalloc…); a call that returns some other page (alloc_page()) is a second source.
      if (r.type === 'call_expression' && storageKey(r) === undefined && isAllocation(r)) continue;
      if (l.type === 'identifier') note(l.text, storageKey(r) ?? `?${a.id}`);
      else if (l.type === 'subscript_expression') {
        const base = unwrap(l.childForFieldName('argument')!);
        if (base.type === 'identifier') note(base.text, storageKey(r) ?? `?${a.id}`);
      }
    }
    for (const d of descendantsOf(body, 'init_declarator')) {
      const name = declaratorName(d.childForFieldName('declarator'));
      const value = d.childForFieldName('value');
      if (!name || !value) continue;
      const v = unwrap(value);
      if (v.type === 'call_expression' && storageKey(v) === undefined && isAllocation(v)) continue;
      if (v.type === 'initializer_list') {
        // `struct bio_vec bv = { .bv_page = pages[i], … }`: bv carries the page.
        const inner = v
          .descendantsOfType(['subscript_expression', 'identifier', 'pointer_expression'])
          .map((n) => (n && n.parent?.type !== 'subscript_expression' ? storageKey(n) : undefined))
          .filter((k): k is string => !!k && k !== 'NULL' && /^\w/.test(k));
        if (inner.length > 0 && v.text.includes('page')) note(name, inner.find((k) => /page/.test(k)) ?? `?${d.id}`);
        continue;
      }
      note(name, storageKey(v) ?? `?${d.id}`);
    }
    // A variable whose address is taken (`acquire(…, &page)`) is storage of its own, not an alias.
    const addressTaken = new Set<string>();
    for (const p of descendantsOf(body, 'pointer_expression')) {
      if (p.childForFieldName('operator')?.text !== '&') continue;
      const arg = p.childForFieldName('argument');
      if (arg && unwrap(arg).type === 'identifier') addressTaken.add(unwrap(arg).text);
    }
    for (const [name, keys] of seen) {
      if (keys.size !== 1 || addressTaken.has(name)) continue;
      const k = [...keys][0]!;
      if (!k.startsWith('?')) this.map.set(name, k);
    }
  }

  /** Follows aliases from a key to the storage it names (bounded, cycle-safe). */
  resolve(key: string): string {
    let k = key;
    for (let i = 0; i < 8; i++) {
      const base = /^\w+/.exec(k)?.[0];
      if (!base) return k;
      const target = this.map.get(base);
      if (!target) return k;
      // `p` → `pages`; `p->x` keeps its field path on the aliased base.
      k = k === base ? target : target + k.slice(base.length);
    }
    return k;
  }

  /** Variables that alias the given storage (for "is the pointer non-NULL" conditions). */
  namesFor(key: string): string[] {
    const out: string[] = [];
    for (const name of this.map.keys()) if (this.resolve(name) === key) out.push(name);
    return out;
  }
}

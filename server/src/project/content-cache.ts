/**
 * The content-hash cache: results keyed by what was analysed (a SHA-1 of the text) and how (a
 * key of the options and the decided model), not by path or time, so an unchanged file is never
 * analysed twice and a changed one never answers from a stale entry. Bounded (least recently used
 * entries go first). Asked by Check Workspace, which re-checks whole folders of mostly unchanged
 * files.
 */
import { createHash } from 'node:crypto';

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export class ContentCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity = 4096) {}

  private static key(text: string, how: string): string {
    return `${how}\0${contentHash(text)}`;
  }

  get(text: string, how: string): T | undefined {
    const k = ContentCache.key(text, how);
    const v = this.entries.get(k);
    if (v !== undefined) {
      this.entries.delete(k); // most recently used last
      this.entries.set(k, v);
    }
    return v;
  }

  set(text: string, how: string, value: T): void {
    const k = ContentCache.key(text, how);
    this.entries.delete(k);
    this.entries.set(k, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

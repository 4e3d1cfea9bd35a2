/**
 * Picks the API model for a file (domain.md §3): a forced setting wins; `auto` looks for the
 * nearest kernel tree's include/linux/mm.h (declares unpin_user_page → upstream, else 2019),
 * and without a tree at the file itself (pin_user_pages*, unpin_user_page*, FOLL_PIN → upstream).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_GUP_PIN_COUNTING_BIAS, UPSTREAM_MARKERS_RE } from './api-table.ts';
import type { ApiModelSetting, ModelChoice } from './types.ts';

interface TreeInfo {
  mmHeader: string;
  upstream: boolean;
  bias: number;
}

const treeCache = new Map<string, TreeInfo | null>();

/** The kernel tree holding `filePath`, found by walking up to include/linux/mm.h; cached per directory. */
export function findKernelTree(filePath: string): TreeInfo | null {
  let dir = path.dirname(path.resolve(filePath));
  const visited: string[] = [];
  let found: TreeInfo | null = null;
  for (;;) {
    const cached = treeCache.get(dir);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(dir);
    const mm = path.join(dir, 'include', 'linux', 'mm.h');
    let text: string | undefined;
    try {
      text = fs.readFileSync(mm, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      found = { mmHeader: mm, upstream: /\bunpin_user_page\b/.test(text), bias: biasFromHeader(text) };
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of visited) treeCache.set(d, found);
  return found;
}

/**
 * GUP_PIN_COUNTING_BIAS as #defined in mm.h (`(1U << 10)` or a plain number), else the default.
 * Linear: the blanks before the value belong to one quantifier unless a `(` separates them.
 */
export function biasFromHeader(text: string): number {
  const m =
    /#define\s+GUP_PIN_COUNTING_BIAS\s+(?:\(\s*)?(?:(\d+)U?L?\s*<<\s*(\d+)|(0x[0-9a-fA-F]+|\d+)U?L?)\s*\)?/.exec(text);
  if (!m) return DEFAULT_GUP_PIN_COUNTING_BIAS;
  if (m[1] !== undefined) return Number(m[1]) * 2 ** Number(m[2]);
  return Number(m[3]);
}

export function chooseModel(setting: ApiModelSetting | undefined, text: string, filePath?: string): ModelChoice {
  if (setting && setting !== 'auto') return { model: setting, reason: 'set by the user' };
  if (filePath) {
    const tree = findKernelTree(filePath);
    if (tree) {
      return {
        model: tree.upstream ? 'unpin_user_page' : 'put_user_page',
        reason: `auto, from ${tree.mmHeader}`,
      };
    }
  }
  return UPSTREAM_MARKERS_RE.test(text)
    ? { model: 'unpin_user_page', reason: 'auto, the file uses the pin_user_pages API' }
    : { model: 'put_user_page', reason: 'auto, no kernel tree and no pin_user_pages in the file' };
}

/** Forget cached trees (the server calls this when an mm.h changes). */
export function clearKernelTreeCache(): void {
  treeCache.clear();
}

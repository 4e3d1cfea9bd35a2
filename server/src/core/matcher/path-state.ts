/**
 * What a path carries while paths.ts explores a function from one acquisition: its state (the
 * pages held or handed off, the result alive and checked, the count proved full, a hand-off
 * waiting for a test) and its assumptions, the directions it already took for conditions, #ifdefs
 * and switches that a later branch on the same text must take again. Here too the assumptions a
 * path starts with, read from where the acquisition sits (inside a case, an #ifdef, an if).
 */
import type { Node } from '../parser.ts';
import { preprocKey, type Cfg } from './cfg.ts';
import { isPure } from './conditions.ts';
import { squash, unwrap } from './syntax.ts';

/** The text under which a condition is remembered: what `evaluate` looks up (no outer parentheses). */
export const condKey = (n: Node): string => squash(unwrap(n).text);

export interface State {
  node: number;
  held: boolean;
  alive: boolean;
  full: boolean;
  checked: boolean;
  assumptions: ReadonlyArray<readonly [string, boolean | number]>;
  lastGoto?: Node;
  dodged?: boolean;
  /** Re-entering the acquisition (a loop) on the path where it fails this time. */
  failing?: boolean;
  /** The page was stored at `at` (`pages[nr]`) and `index` (`nr`) not advanced since. */
  storedAt?: { at: string; index: string };
  /** The pages were handed to this local object: freeing it gives them back to us. */
  handedTo?: string;
  /**
   * A hand-off in this branch's condition that holds only on one side of it (`side`), or one
   * waiting for the test of the variable its call's result went into (`until`, set at `at`).
   */
  pendingHandoff?: {
    why: string;
    side?: 'true' | 'false';
    until?: { name: string; side(cond: Node): 'true' | 'false' | undefined };
    at?: number;
    /** The local object that holds the pages once the hand-off holds. */
    into?: string;
  };
}

/** The assumptions true wherever the acquisition `call` runs: the case, #ifdef and if branches around it. */
export function seededAssumptions(cfg: Cfg, call: Node): ReadonlyArray<readonly [string, boolean | number]> {
  // Starting inside a switch case: a later pass through the same switch takes the same case.
  let seeded: ReadonlyArray<readonly [string, boolean | number]> = [];
  for (const n of cfg.nodes) {
    if (!n.switchOn || !n.cases || !isPure(n.switchOn)) continue;
    const i = n.cases.findIndex((c) => c.startIndex <= call.startIndex && c.endIndex >= call.endIndex);
    if (i >= 0) {
      seeded = assume(seeded, `switch:${condKey(n.switchOn)}`, i);
      const value = n.cases[i]!.childForFieldName('value');
      if (value) seeded = assume(seeded, `${condKey(n.switchOn)}==${squash(value.text)}`, true);
    }
  }
  // Inside #ifdef X: every #ifdef X on the path is compiled in (and its #else is not).
  for (let p = call.parent; p; p = p.parent) {
    if (p.type !== 'preproc_ifdef' && p.type !== 'preproc_if') continue;
    const alt = p.childForFieldName('alternative');
    const inAlt = !!alt && alt.startIndex <= call.startIndex && alt.endIndex >= call.endIndex;
    seeded = assume(seeded, preprocKey(p), !inAlt);
  }
  // Likewise inside an if: the branch taken to reach the acquisition is known.
  for (let p = call.parent; p; p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const cond = p.childForFieldName('condition');
    const cons = p.childForFieldName('consequence');
    if (!cond || !isPure(cond) || (cond.startIndex <= call.startIndex && cond.endIndex >= call.endIndex)) continue;
    const inCons = !!cons && cons.startIndex <= call.startIndex && cons.endIndex >= call.endIndex;
    seeded = assume(seeded, condKey(cond), inCons);
  }
  return seeded;
}

const identifierCache = new Map<string, Set<string>>();
export function identifiersOf(text: string): Set<string> {
  let s = identifierCache.get(text);
  if (!s) {
    s = new Set(text.match(/[A-Za-z_]\w*/g) ?? []);
    if (identifierCache.size > 5000) identifierCache.clear();
    identifierCache.set(text, s);
  }
  return s;
}

/** Adds an assumption, replacing an older one on the same text; kept sorted so keys are canonical. */
export function assume(
  list: ReadonlyArray<readonly [string, boolean | number]>,
  text: string,
  value: boolean | number,
): ReadonlyArray<readonly [string, boolean | number]> {
  const out = list.filter(([t]) => t !== text);
  out.push([text, value]);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return out;
}

/**
 * Path exploration from one acquisition over the function's CFG, in the world where the
 * acquisition succeeded. Tracks whether the pages are still held, whether the result is still
 * alive and was checked, and whether a branch proved that every requested page was taken.
 * Correlated branches (the same pure condition tested twice) take the same direction.
 */
import type { Node } from '../parser.ts';
import type { Cfg, CfgNode } from './cfg.ts';
import { evaluate, isPure, provesFull, type ConditionWorld } from './conditions.ts';
import { squash } from './syntax.ts';

export type NodeEvent =
  | { type: 'acquire' }
  | { type: 'release'; site: number }
  | { type: 'handoff'; why: string }
  | { type: 'kill'; why: string }
  | { type: 'result-dead' }
  | { type: 'assigns'; names: string[] };

export interface PathQuery {
  cfg: Cfg;
  start: CfgNode;
  /** Events of a node, in order (computed once per node by the caller). */
  events(node: CfgNode): NodeEvent[];
  world: Omit<ConditionWorld, 'assumed'>;
  budget: number;
}

export interface ReleaseReach {
  /** Reached on some path where no branch proved the full count was taken. */
  notFull: boolean;
  /** Reached on some path where the result had not been tested yet. */
  unchecked: boolean;
  /** Reached on some path where the result variable still held the count. */
  resultAlive: boolean;
}

export interface Leak {
  /** Where the path leaves: the return, the closing brace, or the goto that led there. */
  at: Node;
  /** The exit the path reaches (return statement or closing brace). */
  exit: Node;
}

export interface PathResult {
  releases: Map<number, ReleaseReach>;
  leaks: Leak[];
  handoffs: string[];
  exhausted: boolean;
}

interface State {
  node: number;
  held: boolean;
  alive: boolean;
  full: boolean;
  checked: boolean;
  assumptions: ReadonlyArray<readonly [string, boolean]>;
  lastGoto?: Node;
}

export function explore(q: PathQuery): PathResult {
  const releases = new Map<number, ReleaseReach>();
  const leaks = new Map<number, Leak>();
  const handoffs = new Set<string>();
  const visited = new Set<string>();
  const stack: State[] = [];
  let steps = 0;

  const enter = (st: State, first: boolean): State | undefined => {
    const node = q.cfg.nodes[st.node]!;
    let s = st;
    for (const ev of q.events(node)) {
      switch (ev.type) {
        case 'acquire':
          if (!first) s = { ...s, held: true, alive: true, full: false, checked: false };
          break;
        case 'release': {
          const r = releases.get(ev.site) ?? { notFull: false, unchecked: false, resultAlive: false };
          if (!s.full) r.notFull = true;
          if (!s.checked) r.unchecked = true;
          if (s.alive) r.resultAlive = true;
          releases.set(ev.site, r);
          s = { ...s, held: false };
          break;
        }
        case 'handoff':
          if (s.held) handoffs.add(ev.why);
          s = { ...s, held: false };
          break;
        case 'kill':
          if (s.held) handoffs.add(ev.why);
          s = { ...s, held: false };
          break;
        case 'result-dead':
          if (!first) s = { ...s, alive: false };
          break;
        case 'assigns': {
          const names = ev.names;
          const keep = s.assumptions.filter(([t]) => !names.some((n) => new RegExp(`\\b${n}\\b`).test(t)));
          if (keep.length !== s.assumptions.length) s = { ...s, assumptions: keep };
          break;
        }
      }
    }
    if (node.kind === 'stmt' && node.ast?.type === 'goto_statement') s = { ...s, lastGoto: node.ast };
    return s;
  };

  const push = (st: State) => {
    const key = `${st.node}|${+st.held}${+st.alive}${+st.full}${+st.checked}|${st.assumptions.map(([t, v]) => `${t}=${+v}`).join(';')}`;
    if (visited.has(key)) return;
    visited.add(key);
    stack.push(st);
  };

  const first = enter({ node: q.start.id, held: true, alive: true, full: false, checked: false, assumptions: [] }, true)!;
  const startState = { ...first, held: true };
  const worldFor = (st: State): ConditionWorld => ({
    ...q.world,
    resultNames: st.alive ? q.world.resultNames : new Set(),
    assumed: (text) => st.assumptions.find(([t]) => t === text)?.[1],
  });

  // The start node itself may be a branch whose condition holds the acquisition.
  const successors = (st: State): void => {
    const node = q.cfg.nodes[st.node]!;
    if (node.kind === 'return' || node.kind === 'exit') {
      if (st.held) {
        const exit = node.ast!;
        const at = st.lastGoto ?? exit;
        if (!leaks.has(at.id)) leaks.set(at.id, { at, exit });
      }
      return;
    }
    if (node.kind === 'branch' && !node.opaque && node.ast) {
      const world = worldFor(st);
      const mentionsResult = [...world.resultNames].some((n) => node.ast!.text.includes(n)) || node.ast.text.includes(q.world.call.text);
      const checked = st.checked || mentionsResult;
      const v = evaluate(node.ast, world);
      const full = provesFull(node.ast, world);
      const text = squash(node.ast.text);
      const remember = v === undefined && isPure(node.ast) && text.length < 200;
      const [t, f] = node.succ;
      if (v !== false && t !== undefined)
        push({
          ...st,
          node: t,
          checked,
          full: st.full || full.onTrue,
          assumptions: remember ? [...st.assumptions, [text, true] as const] : st.assumptions,
        });
      if (v !== true && f !== undefined)
        push({
          ...st,
          node: f,
          checked,
          full: st.full || full.onFalse,
          assumptions: remember ? [...st.assumptions, [text, false] as const] : st.assumptions,
        });
      return;
    }
    for (const s of node.succ) push({ ...st, node: s });
  };

  successors(startState);
  while (stack.length > 0) {
    if (++steps > q.budget) {
      return { releases, leaks: [...leaks.values()], handoffs: [...handoffs], exhausted: true };
    }
    const st = enter(stack.pop()!, false)!;
    successors(st);
  }
  return { releases, leaks: [...leaks.values()], handoffs: [...handoffs], exhausted: false };
}

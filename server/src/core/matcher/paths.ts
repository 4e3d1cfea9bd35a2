/**
 * Path exploration from one acquisition over the function's CFG, in the world where the
 * acquisition succeeded. Tracks whether the pages are still held, whether the result is still
 * alive and was checked, and whether a branch proved that every requested page was taken.
 * Correlated branches (the same pure condition tested twice) take the same direction. What a
 * node does is its events (node-events.ts); what a path carries, its state (path-state.ts).
 */
import { signCheck, type SignCheck } from './sign-checks.ts';
import type { Node } from '../parser.ts';
import type { Cfg, CfgNode } from './cfg.ts';
import { evaluate, isPure, provesFull, type ConditionWorld } from './conditions.ts';
import type { NodeEvent } from './node-events.ts';
import { assume, condKey, identifiersOf, seededAssumptions, type State } from './path-state.ts';
import { squash } from './syntax.ts';

export interface PathQuery {
  cfg: Cfg;
  start: CfgNode;
  /** Events of a node, in order (computed once per node by the caller). */
  events(node: CfgNode): NodeEvent[];
  world: Omit<ConditionWorld, 'assumed'>;
  budget: number;
  /**
   * For a branch whose one side releases the pages under a condition we cannot read: which side
   * ('true' or 'false'). A leak found only on the other side is a guess, so it is not reported.
   */
  guardedRelease?(node: CfgNode): 'true' | 'false' | undefined;
}

export interface ReleaseReach {
  /** Reached on some path where no branch proved the full count was taken. */
  notFull: boolean;
  /** Reached on some path where the result had not been tested yet. */
  unchecked: boolean;
  /** Reached on some path where the result variable still held the count. */
  resultAlive: boolean;
  /** Reached on some path where the result variable had been overwritten (`ret = other(…)`). */
  resultDead: boolean;
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
  /** Leaks only on paths that stepped around a release guarded by an unreadable condition. */
  uncertainLeaks: Leak[];
  handoffs: string[];
  exhausted: boolean;
}

export function explore(q: PathQuery): PathResult {
  const releases = new Map<number, ReleaseReach>();
  const leaks = new Map<number, Leak>();
  const uncertain = new Map<number, Leak>();
  const handoffs = new Set<string>();
  const visited = new Set<string>();
  const stack: State[] = [];
  let steps = 0;

  // Where the acquisition sits decides some conditions from the start (path-state.ts).
  const seeded = seededAssumptions(q.cfg, q.world.call);
  const enter = (st: State, first: boolean): State | undefined => {
    const node = q.cfg.nodes[st.node]!;
    let s = st;
    for (const ev of q.events(node)) {
      switch (ev.type) {
        case 'acquire':
          if (!first && st.failing) {
            // This pass through the acquisition failed: what was held stays held, the result is an error.
            s = { ...s, failing: false, alive: false };
          } else if (!first) {
            push({ ...st, failing: true });
            let assumptions = s.assumptions;
            for (const [t, v] of seeded) assumptions = assume(assumptions, t, v);
            s = { ...s, held: true, alive: true, full: false, checked: false, assumptions, storedAt: undefined };
          }
          break;
        case 'release': {
          const r = releases.get(ev.site) ?? {
            notFull: false,
            unchecked: false,
            resultAlive: false,
            resultDead: false,
          };
          if (!s.full) r.notFull = true;
          if (!s.checked) r.unchecked = true;
          if (s.alive) r.resultAlive = true;
          else r.resultDead = true;
          releases.set(ev.site, r);
          // `while (nr--) unpin_user_page(pages[nr])` with the page at pages[nr], nr not advanced:
          // the release runs, but not on this page (domain.md §5).
          if (s.storedAt && ev.covers === s.storedAt.at) break;
          s = { ...s, held: false, handedTo: undefined, storedAt: undefined };
          break;
        }
        case 'stored-at':
          if (s.held) s = { ...s, storedAt: { at: ev.at, index: ev.index } };
          break;
        case 'handoff':
          if (ev.untilTested) {
            if (s.held)
              s = { ...s, pendingHandoff: { why: ev.why, until: ev.untilTested, at: st.node, into: ev.into } };
            break;
          }
          if (ev.onlyOn) {
            if (s.held) s = { ...s, pendingHandoff: { why: ev.why, side: ev.onlyOn, into: ev.into } };
            break;
          }
          if (s.held) {
            handoffs.add(ev.why);
            s = ev.into ? { ...s, held: false, handedTo: ev.into } : { ...s, held: false, handedTo: undefined };
          }
          break;
        case 'release-object':
          // bio_release_pages(bio, …): the pages handed to that bio are released with it.
          if (!s.held && s.handedTo === ev.name) {
            const r = releases.get(ev.site) ?? {
              notFull: false,
              unchecked: false,
              resultAlive: false,
              resultDead: false,
            };
            releases.set(ev.site, r);
            s = { ...s, handedTo: undefined };
          }
          break;
        case 'free-object':
          // The struct the pages went into is freed on this path: they are ours again (domain.md §5).
          if (!s.held && s.handedTo === ev.name) s = { ...s, held: true, handedTo: undefined };
          break;
        case 'kill':
          if (s.held) handoffs.add(ev.why);
          s = { ...s, held: false, handedTo: undefined };
          break;
        case 'result-dead':
          if (!first) s = { ...s, alive: false };
          break;
        case 'advances':
          if (s.storedAt && ev.names.includes(s.storedAt.index)) s = { ...s, storedAt: undefined };
          break;
        case 'assigns': {
          const names = ev.names;
          // `nr_pages = ret;` on the partial path: the count now says what was taken.
          if (!s.full && q.world.countText && names.includes(q.world.countText)) s = { ...s, full: true };
          // The variable a waiting hand-off's result went into takes another value: it holds.
          const waiting = s.pendingHandoff;
          if (waiting?.until && waiting.at !== st.node && names.includes(waiting.until.name)) {
            if (s.held) handoffs.add(waiting.why);
            s = s.held
              ? { ...s, held: false, handedTo: waiting.into, pendingHandoff: undefined }
              : { ...s, pendingHandoff: undefined };
          }
          if (s.assumptions.length === 0) break;
          const keep = s.assumptions.filter(([t]) => !names.some((n) => identifiersOf(t).has(n)));
          if (keep.length !== s.assumptions.length) s = { ...s, assumptions: keep };
          break;
        }
      }
    }
    if (node.kind === 'stmt' && node.ast?.type === 'goto_statement') s = { ...s, lastGoto: node.ast };
    return s;
  };

  const push = (input: State) => {
    const st = input;
    const pending = st.pendingHandoff
      ? `${st.pendingHandoff.why}:${st.pendingHandoff.side ?? st.pendingHandoff.at}`
      : '';
    const key = `${st.node}|${+st.held}${+st.alive}${+st.full}${+st.checked}${+!!st.dodged}${+!!st.failing}${st.handedTo ?? ''}|${pending}|${st.storedAt?.at ?? ''}|${st.assumptions.map(([t, v]) => `${t}=${+v}`).join(';')}`;
    if (visited.has(key)) return;
    visited.add(key);
    stack.push(st);
  };

  const first = enter(
    { node: q.start.id, held: true, alive: true, full: false, checked: false, assumptions: seeded },
    true,
  )!;
  const startState = { ...first, held: true };
  const worldFor = (st: State): ConditionWorld => ({
    ...q.world,
    resultNames: st.alive ? q.world.resultNames : new Set(),
    facts: () => st.assumptions.filter(([, v]) => v === true).map(([t]) => t),
    assumed: (text) => {
      const v = st.assumptions.find(([t]) => t === text)?.[1];
      return typeof v === 'boolean' ? v : undefined;
    },
  });

  // The start node itself may be a branch whose condition holds the acquisition.
  // Per-branch facts computed once: its text, whether it is tested again elsewhere (only then is
  // it worth remembering), whether it reads the result.
  const textCount = new Map<string, number>();
  const texts = new Map<number, string>();
  for (const n of q.cfg.nodes) {
    if (n.kind !== 'branch' || n.opaque || !n.ast) continue;
    const t = condKey(n.ast);
    texts.set(n.id, t);
    textCount.set(t, (textCount.get(t) ?? 0) + 1);
  }
  const branchCache = new Map<
    number,
    { text: string; remember: boolean; mentionsResult: boolean; usesAssumptions: boolean; sign?: SignCheck }
  >();
  const evalMemo = new Map<string, { v: boolean | undefined; full: { onTrue: boolean; onFalse: boolean } }>();
  const branchInfo = (node: CfgNode) => {
    let b = branchCache.get(node.id);
    if (!b) {
      const text = texts.get(node.id)!;
      const ids = identifiersOf(text);
      b = {
        text,
        remember: (textCount.get(text) ?? 0) > 1 && text.length < 200 && isPure(node.ast!),
        // Only a condition tested more than once can be decided by an assumption.
        usesAssumptions: (textCount.get(text) ?? 0) > 1 || /&&|\|\||!/.test(text),
        mentionsResult: [...q.world.resultNames].some((n) => ids.has(n)) || text.includes(squash(q.world.call.text)),
      };
      // Which side lets the result be used as a count: undefined (unread test) checks both.
      const sign = b.mentionsResult ? signCheck(node.ast!, q.world.resultNames) : undefined;
      if (sign) b.sign = sign;
      branchCache.set(node.id, b);
    }
    return b;
  };

  const successors = (entered: State): void => {
    const node = q.cfg.nodes[entered.node]!;
    let st = entered;
    const readable = node.kind === 'branch' && !node.opaque && !!node.ast;
    const waiting = st.pendingHandoff?.until;
    if (waiting) {
      // Waiting for the test of its result: decided at the first branch that reads the variable
      // (unreadable there: it holds); a return or the end of the function before that: it holds.
      const tests = readable && identifiersOf(condKey(node.ast!)).has(waiting.name);
      const side = tests ? waiting.side(node.ast!) : undefined;
      if (side) st = { ...st, pendingHandoff: { ...st.pendingHandoff!, until: undefined, side } };
      else if (tests || node.kind === 'return' || node.kind === 'exit') {
        if (st.held) handoffs.add(st.pendingHandoff!.why);
        st = st.held
          ? { ...st, held: false, handedTo: st.pendingHandoff!.into, pendingHandoff: undefined }
          : { ...st, pendingHandoff: undefined };
      }
    } else if (st.pendingHandoff && !readable) {
      // A conditional hand-off on a node that does not branch on a readable condition: it holds.
      if (st.held) handoffs.add(st.pendingHandoff.why);
      st = st.held
        ? { ...st, held: false, handedTo: st.pendingHandoff.into, pendingHandoff: undefined }
        : { ...st, pendingHandoff: undefined };
    }
    if (node.kind === 'return' || node.kind === 'exit') {
      if (st.held) {
        const exit = node.ast!;
        const at = st.lastGoto ?? exit;
        const into = st.dodged ? uncertain : leaks;
        if (!into.has(at.id)) into.set(at.id, { at, exit });
      }
      return;
    }
    if (node.kind === 'branch' && !node.opaque && node.ast) {
      const world = worldFor(st);
      const info = branchInfo(node);
      const checkedOn = (side: 'onTrue' | 'onFalse') =>
        st.checked || (st.alive && info.mentionsResult && (info.sign ? info.sign[side] : true));
      const memoKey = `${node.id}|${+st.alive}|${info.usesAssumptions ? st.assumptions.map(([t, x]) => `${t}=${+x}`).join(';') : ''}`;
      let memo = evalMemo.get(memoKey);
      if (!memo) {
        memo = { v: evaluate(node.ast, world), full: provesFull(node.ast, world) };
        evalMemo.set(memoKey, memo);
      }
      const { v, full } = memo;
      const guarded = v === undefined ? q.guardedRelease?.(node) : undefined;
      const text = info.text;
      const remember = v === undefined && info.remember;
      const [t, f] = node.succ;
      // A hand-off tested in this condition holds on its success side only.
      const pending = st.pendingHandoff?.side ? st.pendingHandoff : undefined;
      const after = (side: 'true' | 'false'): Partial<State> => {
        if (!pending) return {};
        if (pending.side !== side) return { pendingHandoff: undefined };
        if (!st.held) return { pendingHandoff: undefined };
        handoffs.add(pending.why);
        return { pendingHandoff: undefined, held: false, handedTo: pending.into };
      };
      if (v !== false && t !== undefined)
        push({
          ...st,
          ...after('true'),
          node: t,
          checked: checkedOn('onTrue'),
          dodged: st.dodged || guarded === 'false',
          full: st.full || full.onTrue,
          assumptions: remember ? assume(st.assumptions, text, true) : st.assumptions,
        });
      if (v !== true && f !== undefined)
        push({
          ...st,
          ...after('false'),
          node: f,
          checked: checkedOn('onFalse'),
          dodged: st.dodged || guarded === 'true',
          full: st.full || full.onFalse,
          assumptions: remember ? assume(st.assumptions, text, false) : st.assumptions,
        });
      return;
    }
    if (node.preprocKey && node.succ.length === 2) {
      // The same #ifdef is either compiled in or not, for the whole path.
      const before = st.assumptions.find(([t]) => t === node.preprocKey)?.[1];
      if (typeof before === 'boolean') {
        push({ ...st, node: node.succ[before ? 0 : 1]! });
        return;
      }
      node.succ.forEach((s, i) =>
        push({ ...st, node: s, assumptions: assume(st.assumptions, node.preprocKey!, i === 0) }),
      );
      return;
    }
    if (node.switchOn && node.succ.length > 1) {
      // The same switch reached again (a loop) takes the case it took before.
      const text = `switch:${condKey(node.switchOn)}`;
      const before = st.assumptions.find(([t]) => t === text)?.[1];
      if (typeof before === 'number' && node.succ[before] !== undefined) {
        push({ ...st, node: node.succ[before] });
        return;
      }
      const pure = isPure(node.switchOn);
      node.succ.forEach((s, i) => {
        let assumptions = st.assumptions;
        if (pure) {
          assumptions = assume(assumptions, text, i);
          const value = node.cases?.[i]?.childForFieldName('value');
          if (value) assumptions = assume(assumptions, `${condKey(node.switchOn!)}==${squash(value.text)}`, true);
        }
        push({ ...st, node: s, assumptions });
      });
      return;
    }
    for (const s of node.succ) push({ ...st, node: s });
  };

  successors(startState);
  while (stack.length > 0) {
    if (++steps > q.budget) {
      return {
        releases,
        leaks: [...leaks.values()],
        uncertainLeaks: [...uncertain.values()],
        handoffs: [...handoffs],
        exhausted: true,
      };
    }
    const st = enter(stack.pop()!, false)!;
    successors(st);
  }
  return {
    releases,
    leaks: [...leaks.values()],
    uncertainLeaks: [...uncertain.values()],
    handoffs: [...handoffs],
    exhausted: false,
  };
}

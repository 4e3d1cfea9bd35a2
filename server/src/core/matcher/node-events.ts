/**
 * What one node of a function's control-flow graph does to one acquisition's pages, as the
 * events path exploration (paths.ts) steps through: the acquisition itself, a release of the
 * pages (and how many elements it covers), a hand-off (a sink, an unknown callee, a store into a
 * field, a return), a local object freed or released, the storage or the result overwritten, and
 * the counters a node moves on. Read from the node's syntax alone; function-facts.ts asks, once
 * per node and acquisition.
 */
import { findSink, isBorrower, isObjectFree } from '../api-other-calls.ts';
import type { Node } from '../parser.ts';
import type { CfgNode } from './cfg.ts';
import { coveredElements } from './loops.ts';
import { resultUse, type AcquisitionSite, type ReleaseSite } from './sites.ts';
import { successSide, successSideOfVariable } from './handoff-tests.ts';
import type { Aliases } from './aliases.ts';
import {
  assignedNames,
  callArguments,
  calleeName,
  declaratorName,
  readsData,
  squash,
  storageKey,
  unwrap,
} from './syntax.ts';
import { descendantsOf } from './descendant-index.ts';

export type NodeEvent =
  | { type: 'acquire' }
  /** `covers`: the release covers `array[n]`'s elements [0, n) only (a loop or a batch count). */
  | { type: 'release'; site: number; covers?: string }
  /** `pages[nr] = page`: the page sits at `at` (`pages[nr]`) until `index` moves on. */
  | { type: 'stored-at'; at: string; index: string }
  /**
   * `into`: the local variable whose object now holds the pages (`req->pages = pages`).
   * `onlyOn`: on a branch node, the hand-off holds only on that side (the call succeeded there).
   */
  | {
      type: 'handoff';
      why: string;
      into?: string;
      onlyOn?: 'true' | 'false';
      /**
       * `ret = sg_alloc_table_from_pages(…)`: the hand-off is decided by the next branch that tests
       * `name` (`side` of its condition: where the call succeeded; undefined: unreadable, it holds).
       */
      untilTested?: { name: string; side(cond: Node): 'true' | 'false' | undefined };
    }
  /** `bio_release_pages(bio, …)`: the pages handed to the local object are released with it. */
  | { type: 'release-object'; name: string; site: number }
  /** `kfree(req)`: a local object is freed; pages handed to it are held again. */
  | { type: 'free-object'; name: string }
  | { type: 'kill'; why: string }
  | { type: 'result-dead' }
  | { type: 'assigns'; names: string[] }
  /** `nr++`, `nr += k`, `nr = k` (not `nr--`): a page stored at pages[nr] is now below the count. */
  | { type: 'advances'; names: string[] };

/**
 * Whether a release of the function is one of the acquisition's pages (stored under `key`).
 * Freeing the pages array (`free_page((unsigned long)pages)`) is not a release of the pages in
 * it; for a single page (`&page`) the storage is the page.
 */
export function releasesPagesOf(r: ReleaseSite, site: AcquisitionSite, key: string | undefined): boolean {
  return key !== undefined && r.key === key && (!r.freesStorage || site.single);
}

export function nodeEvents(
  node: CfgNode,
  site: AcquisitionSite,
  key: string,
  locals: Set<string>,
  releaseByCall: Map<number, number[]>,
  releases: ReleaseSite[],
  resultNames: Set<string>,
  aliases: Aliases,
  acquisitionCalls: ReadonlySet<number>,
  byCase: ReadonlyMap<number, number>,
): NodeEvent[] {
  const releasesPages = (r: ReleaseSite) => releasesPagesOf(r, site, key);
  const releasesItself = releases.some(releasesPages);
  const resolvesTo = (arg: Node | undefined, k: string): boolean => {
    if (!arg) return false;
    const sk = storageKey(arg);
    return sk !== undefined && sk !== 'NULL' && aliases.resolve(sk) === k;
  };
  const out: NodeEvent[] = [];
  const ast = node.ast;
  if (!ast) return out;
  const plainKey = /^\w+$/.test(key) ? key : undefined;
  const names = plainKey ? [plainKey, ...aliases.namesFor(plainKey)] : [];
  /** Whether an expression reads the storage (the variable or an alias: value, element, address). */
  const mentionsStorage = (n: Node): boolean =>
    names.some((name) => n.text.includes(name)) &&
    n.descendantsOfType('identifier').some((i) => !!i && names.includes(i.text) && !underDataRead(i, n));
  // In document order (as descendantsOfType gives them).
  const calls = descendantsOf(ast, 'call_expression');
  for (const call of calls) {
    if (call.id === site.call.id) {
      out.push({ type: 'acquire' });
      continue;
    }
    if (acquisitionCalls.has(call.id)) continue; // another acquisition into the same storage
    const rel = releaseByCall.get(call.id);
    if (rel) {
      const found = rel.find((i) => releasesPages(releases[i]!));
      if (found !== undefined) {
        // A helper that releases per `switch (cmd)` case: the case this acquisition runs under.
        const hit = byCase.get(found) ?? found;
        const r = releases[hit]!;
        const covers = coveredElements(r.call, r.objectNode, r.kind.batch ? r.countNode : undefined);
        out.push(covers ? { type: 'release', site: hit, covers } : { type: 'release', site: hit });
      } else {
        // bio_release_pages(bio, …): releases what was handed to that (local) bio.
        const i = rel.find((j) => releases[j]!.kind.spec.object === 'bio' && !releases[j]!.kind.inner);
        const name = i === undefined ? undefined : localObject(releases[i]!.objectNode, locals);
        if (i !== undefined && name) out.push({ type: 'release-object', name, site: i });
      }
      continue;
    }
    const name = calleeName(call);
    if (!name) continue;
    const args = callArguments(call);
    if (isObjectFree(name)) {
      const obj = args[0] ? unwrap(args[0]) : undefined;
      if (obj?.type === 'identifier' && locals.has(obj.text)) out.push({ type: 'free-object', name: obj.text });
      continue;
    }
    const sink = findSink(name);
    if (sink) {
      if (resolvesTo(args[sink.arg], key)) {
        const why = `added to ${sink.what} by ${name}()`;
        // The local bio that holds the pages afterwards: freeing it gives them back (kfree).
        const into = sink.receiver === undefined ? undefined : localObject(args[sink.receiver], locals);
        // `if (bio_add_page(bio, page, len, 0) != len)`: taken only on the side where the call
        // succeeded; `ret = sg_alloc_table_from_pages(…)`: on the side of the test of ret that says so.
        const sense = sink.success;
        const side = sense && node.kind === 'branch' ? successSide(ast, call, sense) : undefined;
        const result = sense && node.kind !== 'branch' ? resultUse(call) : undefined;
        const to = into ? { into } : {};
        if (side) out.push({ type: 'handoff', why, onlyOn: side, ...to });
        else if (sense && result?.use === 'assigned' && result.variable) {
          const v = result.variable;
          const untilTested = { name: v, side: (c: Node) => successSideOfVariable(c, v, sense) };
          out.push({ type: 'handoff', why, untilTested, ...to });
        } else out.push({ type: 'handoff', why, ...to });
      }
      continue;
    }
    if (isBorrower(name)) continue;
    // Passing the pages to an unknown function gives them away, unless this function releases
    // them itself somewhere (then the callee only borrowed them).
    if (releasesItself) continue;
    if (
      args.some(
        (a) => resolvesTo(a, key) || (plainKey && unwrap(a).type === 'identifier' && unwrap(a).text === plainKey),
      )
    ) {
      out.push({ type: 'handoff', why: `passed to ${name}()` });
    }
  }
  const assigns = descendantsOf(ast, ['assignment_expression', 'init_declarator']);
  for (const a of assigns) {
    const isDecl = a.type === 'init_declarator';
    const left = isDecl ? a.childForFieldName('declarator') : a.childForFieldName('left');
    const right = isDecl ? a.childForFieldName('value') : a.childForFieldName('right');
    if (!left || !right) continue;
    const l = unwrap(left);
    const containsAcq = right.startIndex <= site.call.startIndex && right.endIndex >= site.call.endIndex;
    // A plain variable: `x = …`, or a declaration `struct page *x = …`.
    const variable = l.type === 'identifier' ? l.text : isDecl ? declaratorName(left) : undefined;
    if (variable) {
      if (resultNames.has(variable) && !containsAcq) out.push({ type: 'result-dead' });
      // Copied into a variable that is no alias of it (`page = wpage;`): followed no further.
      if (variable !== plainKey && aliases.resolve(variable) !== key && resolvesTo(right, key)) {
        out.push({ type: 'handoff', why: `copied to ${variable}` });
      }
      // The storage itself takes something else: whatever it held is no longer followed.
      if (plainKey && variable === plainKey && !containsAcq) out.push({ type: 'kill', why: `${plainKey} reassigned` });
      continue;
    }
    if (resolvesTo(right, key) || mentionsStorage(right)) {
      const target = l.type === 'subscript_expression' ? unwrap(l.childForFieldName('argument')!) : l;
      if (target.type === 'identifier' && locals.has(target.text)) {
        // A local alias; `pages[nr] = page`: a release of pages[0..nr) misses it until nr moves on.
        const index = l.type === 'subscript_expression' ? l.childForFieldName('index') : null;
        const u = index ? unwrap(index) : undefined;
        if (u?.type === 'identifier' && resolvesTo(right, key))
          out.push({ type: 'stored-at', at: `${target.text}[${u.text}]`, index: u.text });
        continue;
      }
      // Into a field of a local object (`req->pages = pages`): held by it while it lives.
      const base = /^(\w+)(?:->|\.)/.exec(squash(l.text))?.[1];
      const into = base && locals.has(base) ? base : undefined;
      out.push({ type: 'handoff', why: `stored in ${squash(l.text)}`, ...(into ? { into } : {}) });
    }
  }
  const e = node.kind === 'return' ? ast.namedChildren.find((c) => c?.type !== 'comment') : undefined;
  if (node.kind === 'return' && (mentionsStorage(ast) || (e && resolvesTo(e, key)))) {
    out.push({ type: 'handoff', why: 'returned' });
  }
  const assigned = assignedNames(ast);
  if (assigned.length > 0) out.push({ type: 'assigns', names: assigned });
  const advanced = advancedNames(ast);
  if (advanced.length > 0) out.push({ type: 'advances', names: advanced });
  return out;
}

/**
 * Variables a node moves forward or sets (`nr++`, `++nr`, `nr += k`, `nr = k`), not the ones it
 * counts down (`while (nr--)`): a page stored at pages[nr] is covered by pages[0..nr) after these.
 */
function advancedNames(node: Node): string[] {
  const out: string[] = [];
  for (const n of [node, ...descendantsOf(node, ['update_expression', 'assignment_expression'])]) {
    if (n.type !== 'update_expression' && n.type !== 'assignment_expression') continue;
    const target = n.type === 'update_expression' ? n.childForFieldName('argument') : n.childForFieldName('left');
    const op = n.childForFieldName('operator')?.text ?? '';
    const u = target ? unwrap(target) : undefined;
    if (u?.type === 'identifier' && (op === '++' || op === '+=' || op === '=')) out.push(u.text);
  }
  return out;
}

/** A local object named by an argument (`bio`, `&bio`), if it is one. */
function localObject(arg: Node | undefined, locals: Set<string>): string | undefined {
  let u = arg ? unwrap(arg) : undefined;
  if (u?.type === 'pointer_expression' && u.childForFieldName('operator')?.text === '&') {
    const inner = u.childForFieldName('argument');
    u = inner ? unwrap(inner) : undefined;
  }
  return u?.type === 'identifier' && locals.has(u.text) ? u.text : undefined;
}

/** Whether an identifier only feeds a read of page contents (`*(u32 *)page_address(p)`), below `top`. */
function underDataRead(id: Node, top: Node): boolean {
  for (let p = id.parent; p; p = p.parent) {
    if (p.type === 'pointer_expression' && p.childForFieldName('operator')?.text === '*') {
      const arg = p.childForFieldName('argument');
      if (arg && readsData(arg)) return true;
    }
    if (p.id === top.id) break;
  }
  return false;
}

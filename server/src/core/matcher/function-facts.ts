/**
 * Everything the rules need to know about one function: its acquisitions, the releases that
 * reach each one (directly, through aliases, helpers, loops), the paths that leak, and loops of
 * single releases. Rules (core/rules/*.ts) turn these facts into findings. What each node of the
 * control-flow graph does to the pages is read in node-events.ts; the paths are walked in paths.ts.
 */
import { expectedReleaseClass, type NeededClass } from '../api-table.ts';
import type { Node } from '../parser.ts';
import type { ApiModel, MessageData, NoteMessageId, Range } from '../types.ts';
import { buildCfg, type Cfg, type CfgNode } from './cfg.ts';
import { enclosingCases, isReassigned } from './switch-cases.ts';
import { conditionalNeeds, type ConditionalNeed } from './pin-conditions.ts';
import { nodeEvents, releasesPagesOf, type NodeEvent } from './node-events.ts';
import { explore, type PathResult } from './paths.ts';
import { acquisitionSite, releaseSite, type AcquisitionRef, type AcquisitionSite, type ReleaseSite } from './sites.ts';
import type { FileSummaries, FunctionInfo } from './summaries.ts';
import { callArguments, isInside, localNames, rangeOf, squash, unwrap } from './syntax.ts';

export interface AcquisitionFacts {
  site: AcquisitionSite;
  /** Release kind these pages need in the model; undefined when undecidable. */
  expected?: NeededClass;
  /** Releases of these pages reached from the acquisition (indices into FunctionFacts.releases). */
  releases: number[];
  path?: PathResult;
  /** Whether this function owes a release (local storage, decidable family). */
  owesRelease: boolean;
  /** Why the analysis stays quiet about leaks here (verbose output). */
  quiet?: Quiet;
  /**
   * Releases through a helper that releases per `switch (cmd)` case that could not be judged for
   * these pages (verbose notes): `noCase`, not taken under a case of a switch on that cmd;
   * `bothWays`, the helper's cases for theirs do not release one way.
   */
  caseNotJudged?: Array<{ release: number; helper: string; selector: string; why: 'noCase' | 'bothWays' }>;
  /** For acquisitions that pin only sometimes: what each release (by index) needs, where decided. */
  releaseNeeds?: Map<number, ConditionalNeed>;
}

/** A reason to stay quiet, as a note message id with its data and the lines it names. */
export interface Quiet {
  id: NoteMessageId;
  data?: MessageData;
  leaks?: Range[];
}

export interface FunctionFacts {
  info: FunctionInfo;
  model: ApiModel;
  acquisitions: AcquisitionFacts[];
  releases: ReleaseSite[];
  /** Releases of a struct field filled by an acquisition elsewhere in the file. */
  fieldReleases: Array<{ release: number; acquisition: AcquisitionRef; functionName: string }>;
}

const PATH_BUDGET = 8000;

export interface FunctionSites {
  acquisitions: AcquisitionSite[];
  releases: ReleaseSite[];
  releaseByCall: Map<number, number[]>;
}

/** The acquisitions and releases of a function, without any path work (cheap). */
export function collectSites(info: FunctionInfo, summaries: FileSummaries): FunctionSites {
  const acquisitions: AcquisitionSite[] = [];
  const releases: ReleaseSite[] = [];
  const releaseByCall = new Map<number, number[]>();
  for (const [ci, call] of info.calls.entries()) {
    const name = info.callNames[ci]!;
    if (!name || name === info.name) continue;
    const acq = summaries.acquisitionKind(name);
    if (acq) acquisitions.push(acquisitionSite(call, acq, info.aliases));
    for (const kind of summaries.releaseKinds(name)) {
      const site = releaseSite(call, kind, info.aliases);
      const list = releaseByCall.get(call.id) ?? [];
      list.push(releases.length);
      releaseByCall.set(call.id, list);
      releases.push(site);
    }
  }
  return { acquisitions, releases, releaseByCall };
}

export function functionFacts(
  info: FunctionInfo,
  summaries: FileSummaries,
  model: ApiModel,
  sites: FunctionSites = collectSites(info, summaries),
): FunctionFacts {
  const { acquisitions, releaseByCall } = sites;
  // A copy: releases judged per switch case for one acquisition are added after the call's own.
  const releases = sites.releases.slice();
  const facts: FunctionFacts = { info, model, acquisitions: [], releases, fieldReleases: [] };
  if (acquisitions.length === 0) return facts;

  let cfg: Cfg | undefined;
  const acquisitionCalls = new Set(acquisitions.map((a) => a.call.id));
  const locals = localNames(info.body);
  for (const site of acquisitions) {
    const expected = expectedReleaseClass(site.kind.family, model);
    const af: AcquisitionFacts = { site, expected, releases: [], owesRelease: false };
    facts.acquisitions.push(af);
    if (!site.key || site.key === 'NULL') {
      af.quiet = { id: site.key === 'NULL' ? 'probingOnly' : 'pagesNotUnderstood' };
      continue;
    }
    const plain = /^\w+$/.test(site.key);
    af.owesRelease =
      plain &&
      locals.has(site.key) &&
      !info.params.includes(site.key) &&
      site.kind.trackLeaks &&
      site.kind.returns !== 'void' &&
      (site.use === 'assigned' || site.use === 'condition' || site.use === 'ignored');
    if (!af.owesRelease) {
      af.quiet = !plain
        ? { id: 'outlivesCall', data: { key: site.key } }
        : !locals.has(site.key) || info.params.includes(site.key)
          ? { id: 'callersArray', data: { key: site.key } }
          : site.use === 'returned'
            ? { id: 'resultReturned' }
            : !site.kind.trackLeaks
              ? { id: 'notAlwaysReference' }
              : { id: 'resultNotTracked' };
    }
    cfg ??= buildCfg(info.body);
    const graph = cfg;
    const start = graph.nodeOf(site.call);
    const unmatched = new Map<number, { selector: string; why: 'noCase' | 'bothWays' }>();
    const byCase = caseReleases(site, info, releases, sites.releases.length, unmatched);
    const own = (i: number) => byCase.get(i) ?? i;
    if (!start) {
      af.quiet = { id: 'notInControlFlow' };
      af.releases = releases
        .slice(0, sites.releases.length)
        .map((r, i) => (releasesPagesOf(r, site, site.key) ? own(i) : -1))
        .filter((i) => i >= 0);
      continue;
    }
    const key = site.key;
    const resultNames = new Set<string>();
    if (site.resultVar) {
      resultNames.add(site.resultVar);
      for (const n of info.aliases.namesFor(site.resultVar)) resultNames.add(n);
    }
    const pointerNames = new Set<string>(plain ? [key, ...info.aliases.namesFor(key)] : []);
    const eventCache = new Map<number, NodeEvent[]>();
    const events = (node: CfgNode): NodeEvent[] => {
      let ev = eventCache.get(node.id);
      if (!ev) {
        ev = nodeEvents(
          node,
          site,
          key,
          locals,
          releaseByCall,
          releases,
          resultNames,
          info.aliases,
          acquisitionCalls,
          byCase,
        );
        eventCache.set(node.id, ev);
      }
      return ev;
    };
    // A loop that releases or hands off the pages does so for the paths that skip its body too
    // (`for (i = 0; i < ret; i++) put_page(pages[i])` runs as often as pages were taken).
    const loopCache = new Map<number, NodeEvent | undefined>();
    const loopEvent = (loop: Node): NodeEvent | undefined => {
      if (loopCache.has(loop.id)) return loopCache.get(loop.id);
      let found: NodeEvent | undefined;
      if (!isInside(site.call, loop)) {
        for (const n of graph.nodes) {
          if (!n.ast || n.loop === loop || !isInside(n.ast, loop)) continue;
          found = events(n).find((e) => e.type === 'release' || e.type === 'handoff');
          if (found) break;
        }
      }
      loopCache.set(loop.id, found);
      return found;
    };
    const withLoops = (node: CfgNode): NodeEvent[] => {
      const own = events(node);
      const le = node.loop ? loopEvent(node.loop) : undefined;
      return le ? [le, ...own] : own;
    };
    const countText = site.countNode && !site.single ? squash(unwrap(site.countNode).text) : undefined;
    const guardedRelease = (node: CfgNode): 'true' | 'false' | undefined => {
      const ifs = node.ast?.parent;
      if (!ifs || ifs.type !== 'if_statement') return undefined;
      const side = (branch: Node | null) =>
        !!branch && releases.some((r) => releasesPagesOf(r, site, key) && isInside(r.call, branch));
      if (side(ifs.childForFieldName('consequence'))) return 'true';
      if (side(ifs.childForFieldName('alternative'))) return 'false';
      return undefined;
    };
    af.path = explore({
      cfg: graph,
      start,
      guardedRelease,
      events: withLoops,
      world: { call: site.call, resultNames, pointerNames, max: site.single ? 1 : Infinity, countText },
      budget: PATH_BUDGET,
    });
    if (af.path.exhausted) {
      af.quiet = { id: 'tooManyPaths' };
      af.owesRelease = false;
      af.releases = releases
        .slice(0, sites.releases.length)
        .map((r, i) => (releasesPagesOf(r, site, key) ? own(i) : -1))
        .filter((i) => i >= 0);
    } else {
      af.releases = [...af.path.releases.keys()].sort((a, b) => a - b);
      if (af.owesRelease && af.path.leaks.length === 0 && af.path.handoffs.length > 0 && af.releases.length === 0) {
        af.quiet = { id: 'handedOff', data: { handoffs: af.path.handoffs.join(', ') } };
      }
      if (af.owesRelease && af.path.uncertainLeaks.length > 0) {
        af.quiet = { id: 'uncertainLeak', leaks: af.path.uncertainLeaks.map((l) => rangeOf(l.at)) };
      }
    }
    for (const i of af.releases) {
      const u = unmatched.get(i);
      if (u) (af.caseNotJudged ??= []).push({ release: i, helper: releases[i]!.kind.name, ...u });
    }
    if (site.kind.pinsWhen) {
      const rs = af.releases.map((i) => ({ index: i, call: releases[i]!.call, cls: releases[i]!.kind.cls }));
      af.releaseNeeds = conditionalNeeds(info.body, site.call, site.kind.pinsWhen, rs);
    }
  }
  return facts;
}

/**
 * Releases through a helper that releases per `switch (cmd)` case (ReleaseKind.byCase), judged for
 * this acquisition: when it runs under `case V:` of a switch on the same `cmd` the call passes
 * (not reassigned in between), and the helper's cases for those values release one way, that
 * release is added to `releases` and stands for the call's (index → added index). Otherwise the
 * call stays a release of whatever the pages hold: nothing to judge, and no leak.
 */
function caseReleases(
  site: AcquisitionSite,
  info: FunctionInfo,
  releases: ReleaseSite[],
  own: number,
  unmatched: Map<number, { selector: string; why: 'noCase' | 'bothWays' }>,
): Map<number, number> {
  const out = new Map<number, number>();
  let cases: Map<string, string[]> | undefined;
  for (let i = 0; i < own; i++) {
    const r = releases[i]!;
    const by = r.kind.byCase;
    if (!by) continue;
    const arg = callArguments(r.call)[by.selector];
    const u = arg ? unwrap(arg) : undefined;
    const selector = arg ? arg.text.replace(/\s+/g, ' ') : '?';
    if (u?.type !== 'identifier') {
      unmatched.set(i, { selector, why: 'noCase' });
      continue;
    }
    cases ??= enclosingCases(site.call, info.body);
    const values = cases.get(u.text);
    if (!values || isReassigned(info.body, u.text)) {
      unmatched.set(i, { selector, why: 'noCase' });
      continue;
    }
    const kinds = values.map((v) => by.cases.find((c) => c.value === v)?.kind);
    const first = kinds[0];
    if (!first || kinds.some((k) => !k || k.cls !== first.cls)) {
      unmatched.set(i, { selector, why: 'bothWays' });
      continue;
    }
    out.set(i, releases.length);
    releases.push(releaseSite(r.call, first, info.aliases));
  }
  return out;
}

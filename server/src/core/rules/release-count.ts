import { rangeOf, squash, unwrap } from '../matcher/syntax.ts';
import { paren, str } from '../messages/message-fn.ts';
import type { Finding, MessageData } from '../types.ts';
import {
  acquisitionLabel,
  acquisitionRelated,
  calleeRange,
  finding,
  type RuleContext,
} from '../rule-support/rule-context.ts';
import type { RuleMeta } from '../rule-support/rule-meta.ts';
import { releaseLoopBound } from '../rule-support/release-loops.ts';

export const releaseCount: RuleMeta = {
  id: 'release-count',
  title: 'Release count is the requested count, not the returned one',
  description:
    'The batch release (or release loop) uses the number of pages asked for, but the acquisition may return fewer (a partial pin): release the number it returned.',
  defaultSeverity: 'warning',
  fixable: true,
  messages: {
    // Data: release (a batch call's name; absent for a loop), requested, acquisition, result (the
    // variable that still holds the count), overwritten (the result variable, reassigned before the release).
    requestedCount: ({ data, at }) =>
      `${data.release ? `${str(data, 'release')}() releases` : 'this loop releases'} ${str(data, 'requested')} pages, but ${str(data, 'acquisition')}${paren(at('acquisition'))} may have taken fewer (a partial pin): release the number it returned${data.result ? ` (${str(data, 'result')})` : data.overwritten ? ` (keep it: ${str(data, 'overwritten')} is reassigned before this release)` : ''}`,
  },
  check,
};

function check(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const af of ctx.facts.acquisitions) {
    const site = af.site;
    if (site.single || site.kind.allOrNothing || !site.countNode || !af.path || site.kind.returns !== 'count') continue;
    const requested = squash(unwrap(site.countNode).text);
    if (/^\d+$/.test(requested) || requested === site.resultVar) continue;
    for (const i of af.releases) {
      const reach = af.path.releases.get(i);
      if (!reach?.notFull) continue;
      const rel = ctx.facts.releases[i]!;
      // A batch release with the requested count, or a loop bounded by it.
      // A batch release, or a helper passing its count parameter to one; else a loop's bound.
      const batchCount = rel.kind.batch && (!rel.kind.inner || rel.kind.countIndex !== undefined);
      const countNode = batchCount ? rel.countNode : releaseLoopBound(rel);
      if (!countNode || squash(unwrap(countNode).text) !== requested || seen.has(countNode.id)) continue;
      seen.add(countNode.id);
      const result = site.resultVar;
      // `ret = other(…)` between the acquisition and the release, on some path: ret is no advice.
      const alive = !!result && reach.resultAlive && !reach.resultDead;
      const fix =
        result && alive
          ? [
              {
                title: `Release the ${result} pages ${site.kind.name}() returned`,
                edits: [{ range: rangeOf(countNode), newText: result }],
              },
            ]
          : [];
      const data: MessageData = { requested, acquisition: acquisitionLabel(site) };
      if (rel.kind.batch) data.release = rel.kind.name;
      if (result && alive) data.result = result;
      else if (result) data.overwritten = result;
      const text = {
        messageId: 'requestedCount',
        data,
        locations: { acquisition: { range: calleeRange(site.call) } },
      };
      out.push(
        finding(
          'release-count',
          ctx,
          rangeOf(countNode),
          text,
          [acquisitionRelated(site), { range: calleeRange(rel.call), messageId: 'theRelease', data: {} }],
          fix,
        ),
      );
    }
  }
  return out;
}

import { batchReleaseFor, counterpartKey, releaseApiKey } from '../api-table.ts';
import { collectLoops } from '../matcher/loops.ts';
import { rangeOf, squash } from '../matcher/syntax.ts';
import { str } from '../messages/message-fn.ts';
import type { Finding } from '../types.ts';
import { parseReleaseLoop } from '../rule-support/release-loops.ts';
import {
  acquisitionLabel,
  acquisitionRelated,
  calleeRange,
  finding,
  firstLineRange,
  type RuleContext,
} from '../rule-support/rule-context.ts';
import type { RuleMeta } from '../rule-support/rule-meta.ts';

export const batchRelease: RuleMeta = {
  id: 'batch-release',
  title: 'Loop of single releases can be one batch call',
  description:
    'A loop releases pages[i] one by one (optionally dirtying each with set_page_dirty_lock()): one batch call does the same, and the _dirty_lock variant folds the dirtying in.',
  defaultSeverity: 'hint',
  fixable: true,
  messages: {
    // Data: element (pages[i]), dirty, call, acquisition; locations: acquisition.
    oneCall: ({ data, at }) =>
      `this loop releases ${str(data, 'element')} one page at a time${data.dirty ? ', dirtying each' : ''}: one call does it — ${str(data, 'call')} (pages from ${str(data, 'acquisition')}${at('acquisition') ? `, ${at('acquisition')}` : ''})`,
  },
  check,
};

function check(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const loop of collectLoops(ctx.facts.info.body)) {
    const rl = parseReleaseLoop(loop);
    if (!rl) continue;
    const key = ctx.facts.info.aliases.resolve(squash(rl.array.text));
    const af = ctx.facts.acquisitions.find(
      (a) =>
        a.site.key === key && a.expected && a.releases.some((i) => ctx.facts.releases[i]!.call.id === rl.release.id),
    );
    if (!af?.expected) continue;
    // A loop of right releases batches in the API it calls (unpin_user_page → unpin_user_pages,
    // even in the 2019 model: that tree has unpin_user_pages); a wrong one, in the API the pages need.
    const site = ctx.facts.releases.find((r) => r.call.id === rl.release.id);
    const own = site && !site.kind.inner && site.kind.cls === af.expected ? releaseApiKey(site.kind.spec) : undefined;
    const name = batchReleaseFor(
      own ?? counterpartKey(af.expected, ctx.model, af.site.kind.family),
      rl.dirty !== undefined,
    );
    if (!name) continue;
    const count = typeof rl.count === 'string' ? rl.count : rl.count.text;
    const call = `${name}(${rl.array.text}, ${count}${rl.dirty !== undefined ? `, ${rl.dirty}` : ''});`;
    const text = {
      messageId: 'oneCall',
      data: {
        element: `${rl.array.text}[${rl.index}]`,
        dirty: !!rl.dirty,
        call,
        acquisition: acquisitionLabel(af.site),
      },
      locations: { acquisition: { range: calleeRange(af.site.call) } },
    };
    out.push(
      finding(
        'batch-release',
        ctx,
        firstLineRange(loop),
        text,
        [acquisitionRelated(af.site)],
        [{ title: `Replace the loop with ${name}()`, edits: [{ range: rangeOf(loop), newText: call }] }],
      ),
    );
  }
  return out;
}

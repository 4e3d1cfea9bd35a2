import { batchReleaseFor, counterpartKey } from '../api-table.ts';
import { collectLoops } from '../matcher/loops.ts';
import { rangeOf, squash } from '../matcher/syntax.ts';
import type { Finding } from '../types.ts';
import { parseReleaseLoop } from './release-loops.ts';
import {
  acquisitionLabel,
  acquisitionRelated,
  finding,
  firstLineRange,
  line,
  type RuleContext,
} from './rule-context.ts';
import type { RuleMeta } from './rule-meta.ts';

export const batchRelease: RuleMeta = {
  id: 'batch-release',
  title: 'Loop of single releases can be one batch call',
  description:
    'A loop releases pages[i] one by one (optionally dirtying each with set_page_dirty_lock()): one batch call does the same, and the _dirty_lock variant folds the dirtying in.',
  defaultSeverity: 'hint',
  fixable: true,
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
    const name = batchReleaseFor(counterpartKey(af.expected, ctx.model), rl.dirty !== undefined);
    if (!name) continue;
    const count = typeof rl.count === 'string' ? rl.count : rl.count.text;
    const call = `${name}(${rl.array.text}, ${count}${rl.dirty !== undefined ? `, ${rl.dirty}` : ''});`;
    const message = `this loop releases ${rl.array.text}[${rl.index}] one page at a time${rl.dirty ? ', dirtying each' : ''}: one call does it — ${call} (pages from ${acquisitionLabel(af.site)}, line ${line(af.site.call)})`;
    out.push(
      finding(
        'batch-release',
        ctx,
        firstLineRange(loop),
        message,
        [acquisitionRelated(af.site)],
        [{ title: `Replace the loop with ${name}()`, edits: [{ range: rangeOf(loop), newText: call }] }],
      ),
    );
  }
  return out;
}

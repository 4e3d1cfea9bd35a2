import { rangeOf } from '../matcher/syntax.ts';
import type { Finding } from '../types.ts';
import {
  acquisitionLabel,
  acquisitionRelated,
  finding,
  firstLineRange,
  line,
  type RuleContext,
} from './rule-context.ts';
import type { RuleMeta } from './rule-meta.ts';

export const missingRelease: RuleMeta = {
  id: 'missing-release',
  title: 'Pages leaked on a path',
  description:
    'On some path from a successful acquisition to a return, the pages are neither released nor handed off (stored, returned, added to a bio/sg table/skb, or passed to a helper).',
  defaultSeverity: 'warning',
  fixable: false,
  check,
};

function check(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const af of ctx.facts.acquisitions) {
    if (!af.owesRelease || !af.path) continue;
    const verb = af.expected === 'pin' ? 'pinned' : 'taken';
    for (const leak of af.path.leaks) {
      const isGoto = leak.at.type === 'goto_statement';
      const isEnd = leak.exit.type === '}';
      const leaves = isEnd ? `the end of ${ctx.facts.info.name}()` : `the return at line ${line(leak.exit)}`;
      const how = isGoto
        ? `this goto leads to ${leaves}`
        : isEnd
          ? `${ctx.facts.info.name}() falls off its end here`
          : 'this return leaves';
      const message = `pages ${verb} by ${acquisitionLabel(af.site)} (line ${line(af.site.call)}) are neither released nor handed off on this path: ${how} with them still held`;
      const related = [acquisitionRelated(af.site)];
      if (isGoto) related.push({ range: firstLineRange(leak.exit), message: 'the path leaves the function here' });
      const range = isEnd ? rangeOf(leak.exit) : firstLineRange(leak.at);
      out.push(finding('missing-release', ctx, range, message, related));
    }
  }
  return out;
}

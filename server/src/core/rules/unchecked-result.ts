import { rangeOf, squash, unwrap } from '../matcher/syntax.ts';
import type { Finding } from '../types.ts';
import { acquisitionLabel, acquisitionRelated, calleeRange, finding, line, type RuleContext } from './rule-context.ts';
import type { RuleMeta } from './rule-meta.ts';

export const uncheckedResult: RuleMeta = {
  id: 'unchecked-result',
  title: 'Acquisition result ignored or used unchecked',
  description:
    'The return value of the acquisition is ignored, or used as a page count before it is checked for a negative error code.',
  defaultSeverity: 'warning',
  fixable: false,
  check,
};

function check(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const af of ctx.facts.acquisitions) {
    const site = af.site;
    const r = site.kind.returns;
    if (site.use === 'ignored' && (r === 'count' || r === 'bool' || r === 'bytes')) {
      const what =
        r === 'bool'
          ? 'it returns false when no page was taken'
          : 'it may take fewer pages than asked, or fail with -errno';
      out.push(
        finding('unchecked-result', ctx, calleeRange(site.call), `the result of ${acquisitionLabel(site)} is ignored: ${what}`, [acquisitionRelated(site)]),
      );
      continue;
    }
    if (r !== 'count' || !site.resultVar || !af.path) continue;
    for (const i of af.releases) {
      const reach = af.path.releases.get(i);
      const rel = ctx.facts.releases[i]!;
      if (!reach?.unchecked || !reach.resultAlive || !rel.kind.batch || rel.kind.inner || !rel.countNode) continue;
      if (squash(unwrap(rel.countNode).text) !== site.resultVar) continue;
      out.push(
        finding(
          'unchecked-result',
          ctx,
          rangeOf(rel.countNode),
          `${site.resultVar} is used as a page count before it is checked: ${acquisitionLabel(site)} (line ${line(site.call)}) returns -errno on failure`,
          [acquisitionRelated(site)],
        ),
      );
    }
  }
  return out;
}

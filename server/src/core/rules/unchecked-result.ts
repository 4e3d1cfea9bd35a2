import { declaratorName, rangeOf, squash, unwrap } from '../matcher/syntax.ts';
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
    // No pages array (faulting in only), or `page = NULL; acquire(&page); return page;` where the
    // NULL page tells failure: ignoring the count is the idiom, not a mistake.
    const probing = site.key === 'NULL';
    const nullTells = site.single && !!site.key && declaredNull(ctx, site.key);
    if (site.use === 'ignored' && !probing && !nullTells && (r === 'count' || r === 'bool' || r === 'bytes')) {
      const what =
        r === 'bool'
          ? 'it returns false when no page was taken'
          : 'it may take fewer pages than asked, or fail with -errno';
      out.push(
        finding(
          'unchecked-result',
          ctx,
          calleeRange(site.call),
          `the result of ${acquisitionLabel(site)} is ignored: ${what}`,
          [acquisitionRelated(site)],
        ),
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

/** Whether a local page pointer starts out NULL (`struct page *page = NULL;`). */
function declaredNull(ctx: RuleContext, name: string): boolean {
  return ctx.facts.info.body.descendantsOfType('init_declarator').some((d) => {
    const value = d?.childForFieldName('value');
    return (
      !!value && /^(NULL|0)$/.test(value.text.trim()) && declaratorName(d!.childForFieldName('declarator')) === name
    );
  });
}

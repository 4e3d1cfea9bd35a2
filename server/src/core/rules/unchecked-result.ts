import { declaratorName, rangeOf, squash, unwrap } from '../matcher/syntax.ts';
import { paren, str } from '../messages/message-fn.ts';
import type { Finding } from '../types.ts';
import {
  acquisitionLabel,
  acquisitionRelated,
  calleeRange,
  finding,
  type RuleContext,
} from '../rule-support/rule-context.ts';
import type { RuleMeta } from '../rule-support/rule-meta.ts';
import { descendantsOf } from '../matcher/descendant-index.ts';

export const uncheckedResult: RuleMeta = {
  id: 'unchecked-result',
  title: 'Acquisition result ignored or used unchecked',
  description:
    'The return value of the acquisition is ignored, or used as a page count before it is checked for a negative error code.',
  defaultSeverity: 'warning',
  fixable: false,
  messages: {
    // Data: acquisition, returnsBool.
    ignored: ({ data }) =>
      `the result of ${str(data, 'acquisition')} is ignored: ${data.returnsBool ? 'it returns false when no page was taken' : 'it may take fewer pages than asked, or fail with -errno'}`,
    // Data: result, acquisition; locations: acquisition.
    usedUnchecked: ({ data, at }) =>
      `${str(data, 'result')} is used as a page count before it is checked: ${str(data, 'acquisition')}${paren(at('acquisition'))} returns -errno on failure`,
  },
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
      const data = { acquisition: acquisitionLabel(site), returnsBool: r === 'bool' };
      out.push(
        finding('unchecked-result', ctx, calleeRange(site.call), { messageId: 'ignored', data, locations: {} }, [
          acquisitionRelated(site),
        ]),
      );
      continue;
    }
    if (r !== 'count' || !site.resultVar || !af.path) continue;
    for (const i of af.releases) {
      const reach = af.path.releases.get(i);
      const rel = ctx.facts.releases[i]!;
      if (
        !reach?.unchecked ||
        !reach.resultAlive ||
        !rel.kind.batch ||
        (rel.kind.inner && rel.kind.countIndex === undefined) ||
        !rel.countNode
      )
        continue;
      if (squash(unwrap(rel.countNode).text) !== site.resultVar) continue;
      out.push(
        finding(
          'unchecked-result',
          ctx,
          rangeOf(rel.countNode),
          {
            messageId: 'usedUnchecked',
            data: { result: site.resultVar, acquisition: acquisitionLabel(site) },
            locations: { acquisition: { range: calleeRange(site.call) } },
          },
          [acquisitionRelated(site)],
        ),
      );
    }
  }
  return out;
}

/** Whether a local page pointer starts out NULL (`struct page *page = NULL;`). */
function declaredNull(ctx: RuleContext, name: string): boolean {
  return descendantsOf(ctx.facts.info.body, 'init_declarator').some((d) => {
    const value = d.childForFieldName('value');
    return (
      !!value && /^(NULL|0)$/.test(value.text.trim()) && declaratorName(d.childForFieldName('declarator')) === name
    );
  });
}

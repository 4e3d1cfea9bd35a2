import { rangeOf } from '../matcher/syntax.ts';
import { paren, str, type MessageFn } from '../messages/message-fn.ts';
import type { Finding, Locations, RelatedLocation } from '../types.ts';
import {
  acquisitionLabel,
  acquisitionRelated,
  calleeRange,
  finding,
  firstLineRange,
  type RuleContext,
} from '../rule-support/rule-context.ts';
import type { RuleMeta } from '../rule-support/rule-meta.ts';

/** Data: verb (pinned/taken), acquisition, fn; locations: acquisition, exit. */
const leak =
  (how: MessageFn): MessageFn =>
  (args) =>
    `pages ${str(args.data, 'verb')} by ${str(args.data, 'acquisition')}${paren(args.at('acquisition'))} are neither released nor handed off on this path: ${how(args)} with them still held`;

export const missingRelease: RuleMeta = {
  id: 'missing-release',
  title: 'Pages leaked on a path',
  description:
    'On some path from a successful acquisition to a return, the pages are neither released nor handed off (stored, returned, added to a bio/sg table/skb, or passed to a helper).',
  defaultSeverity: 'warning',
  fixable: false,
  messages: {
    gotoToReturn: leak(({ at }) => {
      const exit = at('exit');
      return `this goto leads to ${exit ? `the return at ${exit}` : 'a return'}`;
    }),
    gotoToEnd: leak(({ data }) => `this goto leads to the end of ${str(data, 'fn')}()`),
    returnLeaves: leak(() => 'this return leaves'),
    fallsOffEnd: leak(({ data }) => `${str(data, 'fn')}() falls off its end here`),
  },
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
      const messageId = isGoto ? (isEnd ? 'gotoToEnd' : 'gotoToReturn') : isEnd ? 'fallsOffEnd' : 'returnLeaves';
      const locations: Locations = {
        acquisition: { range: calleeRange(af.site.call) },
        exit: { range: rangeOf(leak.exit) },
      };
      const data = { verb, acquisition: acquisitionLabel(af.site), fn: ctx.facts.info.name };
      const related: RelatedLocation[] = [acquisitionRelated(af.site)];
      if (isGoto) related.push({ range: firstLineRange(leak.exit), messageId: 'pathLeaves', data: {} });
      const range = isEnd && !isGoto ? rangeOf(leak.exit) : firstLineRange(leak.at);
      out.push(finding('missing-release', ctx, range, { messageId, data, locations }, related));
    }
  }
  return out;
}

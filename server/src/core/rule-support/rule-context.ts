/** What every rule's check receives, and small helpers to phrase findings the same way. */
import type { Node } from '../parser.ts';
import type { FunctionFacts } from '../matcher/function-facts.ts';
import { acquisitionRef, type AcquisitionRef, type AcquisitionSite, type ReleaseSite } from '../matcher/sites.ts';
import { calleeRange, rangeOf } from '../matcher/syntax.ts';
import type { ApiModel, Finding, Locations, MessageData, Range, RelatedLocation, RuleId } from '../types.ts';
import type { ReleaseClass } from '../api-table.ts';

export interface RuleContext {
  facts: FunctionFacts;
  model: ApiModel;
}

export type RuleCheck = (ctx: RuleContext) => Finding[];

/** `pin_user_pages_fast()`, or `foo_pin() (pin_user_pages_fast())` for wrappers. */
const refOf = (a: AcquisitionSite | AcquisitionRef): AcquisitionRef => ('call' in a ? acquisitionRef(a) : a);

export function acquisitionLabel(a: AcquisitionSite | AcquisitionRef): string {
  const { name, wraps } = refOf(a);
  return wraps ? `${name}() (${wraps}())` : `${name}()`;
}

export { calleeRange };

/** A range clipped to the first line of a node (returns, loops). */
export function firstLineRange(node: Node): Range {
  const r = rangeOf(node);
  if (r.end.line === r.start.line) return r;
  const firstLine = node.text.split('\n')[0] ?? '';
  return { start: r.start, end: { line: r.start.line, column: r.start.column + firstLine.trimEnd().length } };
}

/** "taken here" on the acquisition, in its own file when it is in another. */
export function acquisitionRelated(a: AcquisitionSite | AcquisitionRef): RelatedLocation {
  const ref = refOf(a);
  return {
    range: ref.range,
    messageId: 'taken',
    data: { acquisition: acquisitionLabel(ref) },
    ...(ref.file ? { file: ref.file } : {}),
  };
}

export function releaseRelated(rel: ReleaseSite): RelatedLocation {
  return { range: calleeRange(rel.call), messageId: 'released', data: { release: rel.kind.name } };
}

/** What a finding says, by message id and data, and the places its message names. */
export interface FindingText {
  messageId: string;
  data: MessageData;
  locations: Locations;
}

export function finding(
  rule: RuleId,
  ctx: RuleContext,
  range: Range,
  text: FindingText,
  related: RelatedLocation[],
  fixes: Finding['fixes'] = [],
): Finding {
  return { rule, severity: 'warning', ...text, range, related, fixes, functionName: ctx.facts.info.name };
}

/** What kind of reference a release class drops, for messages. */
export function describeClass(cls: ReleaseClass, model: ApiModel): string {
  if (cls === 'ref') return 'an ordinary page reference';
  if (cls === 'free') return 'the page itself (freed)';
  if (cls === 'matching') return 'whatever the pages hold (a pin or a reference)';
  return model === 'put_user_page' ? 'a GUP pin (put_user_page)' : 'a FOLL_PIN pin';
}

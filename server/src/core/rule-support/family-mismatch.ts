/**
 * Shared by wrong-release and mismatched-release: releases reached from an acquisition whose
 * release kind is not the one the acquisition's family needs in the active model.
 */
import { counterpartKey, expectedReleaseClass, type NeededClass, type ReleaseClass } from '../api-table.ts';
import { takesExtraReference } from '../api-other-calls.ts';
import type { AcquisitionFacts } from '../matcher/function-facts.ts';
import {
  acquisitionRef,
  helperPlace,
  type AcquisitionRef,
  type AcquisitionSite,
  type ReleaseSite,
} from '../matcher/sites.ts';
import { callArguments, calleeNode, rangeOf, storageKey, unwrap } from '../matcher/syntax.ts';
import { paren, str, type MessageArgs, type MessageFn } from '../messages/message-fn.ts';
import type { Finding, Fix, Locations, MessageData, RuleId } from '../types.ts';
import { acquisitionLabel, acquisitionRelated, calleeRange, finding, type RuleContext } from './rule-context.ts';
import { descendantsOf } from '../matcher/descendant-index.ts';

export interface Mismatch {
  release: ReleaseSite;
  acquisition: AcquisitionRef;
  /** The acquisition's site when it is in this function. */
  site?: AcquisitionSite;
  expected: NeededClass;
  /** The acquisition lives in another function (struct field filled there). */
  elsewhere?: string;
  /**
   * The acquisition pins only sometimes (iov_iter_extract_pages) and no test of when it pins is
   * around this release: wrong either way, but no one-call fix.
   */
  untested?: boolean;
}

/** Source offsets of the calls that take an extra ordinary reference on `key` (`get_page(page)`). */
function extraRefsOn(ctx: RuleContext, key: string): number[] {
  const out: number[] = [];
  const { info } = ctx.facts;
  info.calls.forEach((call, i) => {
    if (!takesExtraReference(info.callNames[i] ?? '')) return;
    const arg = callArguments(call)[0];
    const k = arg ? storageKey(arg) : undefined;
    if (k && k !== 'NULL' && info.aliases.resolve(k) === key) out.push(call.startIndex);
  });
  return out;
}

/**
 * `get_page(page); …; put_page(page); unpin_user_page(page);`: the put_page() drops the extra
 * reference taken after the pin, and the pin is released right afterwards on the same path.
 */
function balancesExtraRef(ctx: RuleContext, af: AcquisitionFacts, rel: ReleaseSite): boolean {
  if (!rel.key || !af.expected) return false;
  const at = rel.call.startIndex;
  const pinnedAfter = af.releases.some((j) => {
    const r = ctx.facts.releases[j]!;
    return r.kind.cls === af.expected && r.key === rel.key && r.call.startIndex > at;
  });
  if (!pinnedAfter) return false;
  return extraRefsOn(ctx, rel.key).some((g) => g > af.site.call.startIndex && g < at);
}

export function findMismatches(
  ctx: RuleContext,
  expectedWrong: { expected: NeededClass | 'any'; got: ReleaseClass },
): Mismatch[] {
  const out: Mismatch[] = [];
  const seen = new Set<number>();
  /** Pages that need `expected`, released with the `got` kind. */
  const wanted = (expected: NeededClass | undefined, rel: ReleaseSite): expected is NeededClass =>
    !!expected &&
    (expectedWrong.expected === 'any' || expected === expectedWrong.expected) &&
    rel.kind.cls === expectedWrong.got;
  for (const af of ctx.facts.acquisitions) {
    for (const i of af.releases) {
      const rel = ctx.facts.releases[i]!;
      // Pins only sometimes: what this release needs is the test around it (pin-conditions.ts).
      const need = af.releaseNeeds?.get(i);
      const expected = af.releaseNeeds ? need?.need : af.expected;
      if (!wanted(expected, rel) || seen.has(rel.call.id)) continue;
      if (expectedWrong.got === 'ref' && balancesExtraRef(ctx, af, rel)) continue;
      // A helper that drops some other reference on the page (its mapping, say) while the caller
      // still releases its own reference afterwards is not the release of this acquisition.
      if (
        rel.kind.inner &&
        af.releases.some(
          (j) => !ctx.facts.releases[j]!.kind.inner && ctx.facts.releases[j]!.call.startIndex > rel.call.startIndex,
        )
      )
        continue;
      seen.add(rel.call.id);
      out.push({
        release: rel,
        acquisition: acquisitionRef(af.site),
        site: af.site,
        expected,
        ...(need?.why === 'always' ? { untested: true } : {}),
      });
    }
  }
  for (const fr of ctx.facts.fieldReleases) {
    const rel = ctx.facts.releases[fr.release]!;
    if (seen.has(rel.call.id)) continue;
    const exp = expectedReleaseClass(fr.acquisition.family, ctx.model);
    if (!wanted(exp, rel)) continue;
    seen.add(rel.call.id);
    out.push({ release: rel, acquisition: fr.acquisition, expected: exp, elsewhere: fr.functionName });
  }
  return out;
}

/** The call to use instead, if there is a one-to-one replacement. */
export function replacementName(m: Mismatch, ctx: RuleContext): string | undefined {
  return m.release.kind.spec.counterpart[counterpartKey(m.expected, ctx.model, m.acquisition.family)];
}

/**
 * Whether the released variable also takes pages from somewhere else in the function
 * (`page = pfn_to_page(pfn)` on another branch): then renaming the release is not a fix.
 */
export function mixedSource(m: Mismatch, ctx: RuleContext): boolean {
  const site = m.site;
  const key = site?.key;
  if (!site || !key || !/^\w+$/.test(key) || m.elsewhere) return false;
  // Only a page variable (`&page`, or the page a wrapper returns) has other sources; an array's
  // own assignment is its allocation.
  const pages = site.pagesNode ? unwrap(site.pagesNode) : undefined;
  const byAddress =
    pages?.type === 'pointer_expression' && unwrap(pages.childForFieldName('argument')!).type === 'identifier';
  if (!byAddress && site.kind.returns !== 'page') return false;
  const acq = site.call;
  return descendantsOf(ctx.facts.info.body, ['assignment_expression', 'init_declarator']).some((a) => {
    const isDecl = a.type === 'init_declarator';
    const left = isDecl ? a.childForFieldName('declarator') : a.childForFieldName('left');
    const right = isDecl ? a.childForFieldName('value') : a.childForFieldName('right');
    if (!left || !right || left.text.replace(/^\*+/, '').trim() !== key) return false;
    if (/^(NULL|0)$/.test(right.text.trim())) return false;
    if (storageKey(right) === key) return false; // `page = compound_head(page)`: still the same page
    return !(right.startIndex <= acq.startIndex && right.endIndex >= acq.endIndex);
  });
}

/** Fix: rename the releasing call (inside the helper when the release goes through one). */
export function renameFix(m: Mismatch, ctx: RuleContext): Fix[] {
  const name = replacementName(m, ctx);
  if (!name || m.untested || mixedSource(m, ctx)) return [];
  const inner = m.release.kind.inner;
  // A helper in another file is fixed there: no edit of it from this file's findings.
  if (inner?.file) return [];
  const callee = inner ? undefined : calleeNode(m.release.call);
  const range = inner ? inner.nameRange : callee ? rangeOf(callee) : undefined;
  if (!range) return [];
  const was = inner ? m.release.kind.spec.name : callee!.text;
  return [{ title: `Replace ${was}() with ${name}()`, edits: [{ range, newText: name }] }];
}

/**
 * A mismatch message: `headline(args, where)` says what is wrong with this release; the helper and
 * mixed-source parts around it and `where` (" (line N in setup())") are the same for both rules.
 * Data: acquisition, release (the releasing call), right (the replacement, if any), helper,
 * elsewhere, mixedKey; locations: acquisition, helperRelease.
 */
export function mismatchMessage(headline: (args: MessageArgs, where: string) => string): MessageFn {
  return (args) => {
    const { data, at } = args;
    const elsewhere = data.elsewhere ? ` in ${str(data, 'elsewhere')}()` : '';
    const where = paren(at('acquisition'), elsewhere);
    const via = data.helper
      ? `${str(data, 'helper')}() releases them with ${str(data, 'release')}()${paren(at('helperRelease'))}; `
      : '';
    const mixed = data.mixedKey
      ? ` (${str(data, 'mixedKey')} also holds pages from elsewhere on other paths: release those separately)`
      : '';
    return via + headline(args, where) + mixed;
  };
}

/** The finding for a mismatch, with the message `messageId` of `rule` (see mismatchMessage). */
export function mismatchFinding(rule: RuleId, m: Mismatch, ctx: RuleContext, messageId: string): Finding {
  const data: MessageData = { acquisition: acquisitionLabel(m.acquisition), release: m.release.kind.spec.name };
  const right = replacementName(m, ctx);
  if (right) data.right = right;
  if (m.elsewhere) data.elsewhere = m.elsewhere;
  if (mixedSource(m, ctx) && m.site?.key) data.mixedKey = m.site.key;
  const { range, file } = m.acquisition;
  const locations: Locations = { acquisition: { range, ...(file ? { file } : {}) } };
  const related = [acquisitionRelated(m.acquisition)];
  if (m.release.kind.inner) {
    data.helper = m.release.kind.name;
    const place = helperPlace(m.release.kind.inner);
    locations.helperRelease = place;
    related.push({ ...place, messageId: 'helperReleases', data: { release: m.release.kind.spec.name } });
  }
  return finding(rule, ctx, calleeRange(m.release.call), { messageId, data, locations }, related, renameFix(m, ctx));
}

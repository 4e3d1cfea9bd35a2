import { paren, str } from '../messages/message-fn.ts';
import type { Finding } from '../types.ts';
import { counterpartKey, singleReleaseFor } from '../api-table.ts';
import { findMismatches, mismatchFinding, mismatchMessage, type Mismatch } from '../rule-support/family-mismatch.ts';
import type { RuleContext } from '../rule-support/rule-context.ts';
import type { RuleMeta } from '../rule-support/rule-meta.ts';

const released = (data: Record<string, string | number | boolean>, where: string, fallback: string) =>
  `pages pinned by ${str(data, 'acquisition')}${where} are released with ${str(data, 'release')}(): use ${data.right ? str(data, 'right') : fallback}()`;

export const wrongRelease: RuleMeta = {
  id: 'wrong-release',
  title: 'Pinned pages released with a plain reference drop',
  description:
    'A page from a pinning acquisition (get_user_pages* in the 2019 put_user_page model, pin_user_pages* upstream) is released with put_page(), release_pages() or folio_put(). The pin is never dropped: the page stays "maybe DMA-pinned". Also any page from an acquisition freed with __free_page()/free_page(): it frees a page the user still maps.',
  defaultSeverity: 'warning',
  fixable: true,
  messages: {
    // Data as for every mismatch, plus verb (pinned/taken) and needs (the single release these pages need).
    freesUserPage: mismatchMessage(
      ({ data }, where) =>
        `pages ${str(data, 'verb')} by ${str(data, 'acquisition')}${where} are freed with ${str(data, 'release')}(): the user still maps them — use ${data.right ? str(data, 'right') : str(data, 'needs')}() instead`,
    ),
    needsPutUserPage: mismatchMessage(
      ({ data }, where) =>
        `${released(data, where, 'put_user_page*')} — pages from get_user_pages*() must be released with put_user_page*()`,
    ),
    // Data as for every mismatch; the acquisition pins only when iov_iter_extract_will_pin() is true.
    releasedUntested: mismatchMessage(
      ({ data }, where) =>
        `pages from ${str(data, 'acquisition')}${where} are released with ${str(data, 'release')}() whether or not they were pinned: it pins them when iov_iter_extract_will_pin() is true (release with unpin_user_page*() then) and takes no reference otherwise`,
    ),
    leavesPinRaised: mismatchMessage(
      ({ data }, where) =>
        `${released(data, where, 'unpin_user_page*')} — ${str(data, 'release')}() leaves the pin count raised and the page stays "maybe DMA-pinned"`,
    ),
    // The patch's own evidence (core/patch/patch-evidence.ts): data removed, release, right; location removed.
    replacesPinRelease: ({ data, at }) =>
      `the patch replaces ${str(data, 'removed')}()${paren(at('removed'))} with ${str(data, 'release')}(): ${str(data, 'removed')}() dropped a pin, so these pages are pinned, and ${str(data, 'release')}() leaves the pin count raised (the page stays "maybe DMA-pinned") — keep ${data.right ? str(data, 'right') : 'unpin_user_page*'}()`,
  },
  check,
};

/** Message id of the patch-evidence finding (the acquisition is not in view; core/patch makes it). */
export const REPLACES_PIN_RELEASE = 'replacesPinRelease';

function check(ctx: RuleContext): Finding[] {
  // The release these pages need, as every advice and fix chooses it (counterpartKey): in the
  // 2019 model get_user_pages* pages need put_user_page*, pin_user_pages* (5.6+) unpin_user_page*.
  const key = (m: Mismatch) => counterpartKey(m.expected, ctx.model, m.acquisition.family);
  const wrong = findMismatches(ctx, { expected: 'pin', got: 'ref' }).map((m) =>
    mismatchFinding(
      'wrong-release',
      m,
      ctx,
      m.untested ? 'releasedUntested' : key(m) === 'pin-2019' ? 'needsPutUserPage' : 'leavesPinRaised',
    ),
  );
  // __free_page()/free_page() on pages from an acquisition, whatever they need.
  const freed = findMismatches(ctx, { expected: 'any', got: 'free' }).map((m) => {
    const f = mismatchFinding('wrong-release', m, ctx, 'freesUserPage');
    const verb = m.expected === 'pin' ? 'pinned' : 'taken';
    return { ...f, data: { ...f.data, verb, needs: singleReleaseFor(key(m)) } };
  });
  return [...wrong, ...freed];
}

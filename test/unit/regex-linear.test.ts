/**
 * The regular-expression-driven functions that read user text (documents, patches, mails, logs,
 * kernel headers, refcount input) take linear time on adversarial input: long runs of near-matches
 * that make a backtracking regex quadratic. The bound is structural, not absolute: the input is
 * grown until one run takes a measurable time, then made 4 times longer; a linear function takes
 * about 4 times as long, a quadratic one 16 times. We allow up to 10 (timer and GC noise), and the
 * helper is shown to catch a quadratic regex.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesAcquisition } from '../../server/src/project/prefilter.ts';
import { focusRanges, scanFunctions } from '../../server/src/project/focus-ranges.ts';
import { biasFromHeader, decideModel } from '../../server/src/core/api-model.ts';
import { ACQUISITION_NAME_RE } from '../../server/src/core/api-table.ts';
import { analyzeText } from '../../server/src/project/analyze-source.ts';
import { decodeRefcount } from '../../server/src/core/decode.ts';
import { tryEvaluateCExpression } from '../../server/src/core/decode-expression.ts';
import { blankAttributes } from '../../server/src/core/parser.ts';
import { detectPatchInput } from '../../server/src/core/patch/index.ts';
import { reviewPatch } from '../../server/src/project/review-patch.ts';
import { isMboxFromLine } from '../../server/src/core/patch/mbox-split.ts';
import { quotePrefix } from '../../server/src/core/patch/quote-layers.ts';
import { applySuppressions } from '../../server/src/core/suppressions.ts';
import type { Finding } from '../../server/src/core/types.ts';
import { findLogValueAt } from '../../server/src/lsp/refcount-text.ts';

const MAX_RATIO = 10;
/** A run must take this long before its time is compared (below, timer noise dominates). */
const MEASURABLE_MS = 15;
const MAX_UNITS = 1 << 19;

async function timeOf(fn: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Time at n (grown until measurable) and at 4n, and their ratio. */
async function growth(
  make: (n: number) => string,
  run: (s: string) => unknown,
): Promise<{ n: number; t1: number; t4: number; ratio: number }> {
  let n = 250;
  let t1 = await timeOf(() => run(make(n)));
  while (t1 < MEASURABLE_MS && n < MAX_UNITS) {
    n *= 2;
    const s = make(n);
    t1 = await timeOf(() => run(s));
  }
  const big = make(4 * n);
  const t4 = await timeOf(() => run(big));
  return { n, t1, t4, ratio: t4 / Math.max(t1, 1) };
}

/**
 * Up to three measurements: a linear function on a loaded machine (CI on 2 cores with other work)
 * can show one noisy ratio, a quadratic one shows ×16 every time. Each retry interleaves the two
 * sizes so that load falls on both alike.
 */
async function assertLinear(name: string, make: (n: number) => string, run: (s: string) => unknown): Promise<void> {
  let g = await growth(make, run);
  for (let attempt = 1; attempt < 3 && g.ratio >= MAX_RATIO; attempt++) {
    const small = make(g.n);
    const big = make(4 * g.n);
    let t1 = Infinity;
    let t4 = Infinity;
    for (let i = 0; i < 5; i++) {
      t1 = Math.min(t1, await timeOf(() => run(small)));
      t4 = Math.min(t4, await timeOf(() => run(big)));
    }
    g = { n: g.n, t1, t4, ratio: t4 / Math.max(t1, 1) };
  }
  assert.ok(
    g.ratio < MAX_RATIO,
    `${name}: ${g.t1.toFixed(1)} ms at n=${g.n}, ${g.t4.toFixed(1)} ms at 4n (×${g.ratio.toFixed(1)}): not linear`,
  );
}

const FIELD_FILL = `struct demo_ctx { struct page **pages; };
static int demo_fill(struct demo_ctx *ctx)
{
	long ret = pin_user_pages(0, 1, 0, ctx->pages, NULL);
	return ret;
}
`;

function finding(line: number): Finding {
  const at = { line, column: 0 };
  return {
    rule: 'wrong-release',
    severity: 'warning',
    messageId: 'leavesPinRaised',
    data: { acquisition: 'pin_user_pages()', release: 'put_page' },
    locations: {},
    range: { start: at, end: at },
    related: [],
    fixes: [],
  };
}

describe('regex-driven functions on adversarial input grow linearly', () => {
  it('the measure catches a quadratic regex', async () => {
    const g = await growth(
      (n) => `a${' '.repeat(n)}`,
      (s) => /a\s*\s*b/.test(s),
    );
    assert.ok(g.ratio >= MAX_RATIO, `a known quadratic regex was not caught: ×${g.ratio.toFixed(1)}`);
  });

  it('core: #define GUP_PIN_COUNTING_BIAS followed by a run of blanks (mm.h)', async () => {
    await assertLinear('biasFromHeader', (n) => `#define GUP_PIN_COUNTING_BIAS${' '.repeat(n)}x\n`, biasFromHeader);
    await assertLinear(
      'biasFromHeader (paren)',
      (n) => `#define GUP_PIN_COUNTING_BIAS (${' '.repeat(n)}1 <<${' '.repeat(n)}x`,
      biasFromHeader,
    );
  });

  it('core: a struct field filled by an acquisition, then ->field followed by blanks', async () => {
    await assertLinear(
      'analyzeText field',
      (n) => `${FIELD_FILL}void demo_other(struct demo_ctx *c)\n{\n\tc->pages${' '.repeat(n)}x;\n}\n`,
      (s) => analyzeText(s, { api: 'unpin_user_page' }),
    );
    await assertLinear(
      'analyzeText field index',
      (n) => `${FIELD_FILL}void demo_other(struct demo_ctx *c)\n{\n\tc->pages[${'i '.repeat(n)}\n}\n`,
      (s) => analyzeText(s, { api: 'unpin_user_page' }),
    );
  });

  it('core: attribute blanking, model choice, suppressions', async () => {
    await assertLinear('blankAttributes (unclosed)', (n) => '__attribute__(('.repeat(n), blankAttributes);
    await assertLinear('blankAttributes (bare)', (n) => '__user__user '.repeat(n), blankAttributes);
    await assertLinear(
      'decideModel',
      (n) => 'put_user_pages_dirty'.repeat(n),
      (s) => decideModel('auto', null, s),
    );
    await assertLinear(
      'applySuppressions',
      (n) => `/* gup-review: ignore${' \t,-x'.repeat(n)}\n`,
      (s) => applySuppressions(s, [finding(0), finding(1)]),
    );
  });

  it('patches and mails: detection, headers, quotes, mbox From lines, hunks', async () => {
    await assertLinear(
      'detectPatchInput',
      (n) => '--- a\n+++'.repeat(n),
      (s) => detectPatchInput('x', s),
    );
    await assertLinear('isMboxFromLine', (n) => `From x${' '.repeat(n)}Mon`, isMboxFromLine);
    await assertLinear('quotePrefix', (n) => '> >'.repeat(n), quotePrefix);
    await assertLinear(
      'reviewPatch mail headers',
      (n) =>
        `From: a <a@b.c>\nSubject: [PATCH]${' '.repeat(n)}\nContent-Type: text/plain; charset="${';charset='.repeat(n)}\n\n---\n+++ b/x.c\n`,
      (s) => reviewPatch(s, 'mail'),
    );
    await assertLinear(
      'reviewPatch quotes',
      (n) => `Subject: Re: x\n\n${'> '.repeat(n)}\n`,
      (s) => reviewPatch(s, 'mail'),
    );
    await assertLinear(
      'reviewPatch hunk heads',
      (n) => `--- a/x.c\n+++ b/x.c\n${'@@ -1,'.repeat(n)}\n`,
      (s) => reviewPatch(s, 'diff'),
    );
  });

  it('refcount input, log lines, C expressions', async () => {
    await assertLinear(
      'findLogValueAt',
      (n) => `refcount${' '.repeat(n)}:`,
      (s) => findLogValueAt(s, 0),
    );
    await assertLinear(
      'findLogValueAt digits',
      (n) => `refcount:${'1'.repeat(n)}x`,
      (s) => findLogValueAt(s, 0),
    );
    await assertLinear(
      'decodeRefcount',
      (n) => `page:0000 refcount${' '.repeat(n)}=`,
      (s) => {
        try {
          decodeRefcount(s);
        } catch {
          /* bad input is an error, not a hang */
        }
      },
    );
    await assertLinear(
      'tryEvaluateCExpression',
      (n) => '('.repeat(n),
      (s) => tryEvaluateCExpression(s),
    );
  });

  it('CLI prefilter and function scan', async () => {
    await assertLinear(
      'namesAcquisition',
      (n) => 'get_user_page'.repeat(n),
      (s) => namesAcquisition(Buffer.from(s)),
    );
    await assertLinear(
      'ACQUISITION_NAME_RE',
      (n) => 'pin_user_pages_'.repeat(n),
      (s) => ACQUISITION_NAME_RE.test(s),
    );
    await assertLinear('scanFunctions (void)', (n) => 'void '.repeat(n), scanFunctions);
    await assertLinear('scanFunctions (comments)', (n) => '/* '.repeat(n), scanFunctions);
    await assertLinear('focusRanges (braces)', (n) => `int f(void) ${'{'.repeat(n)}`, focusRanges);
    await assertLinear('focusRanges (calls)', (n) => `int f(void) { ${'put_page ('.repeat(n)} }`, focusRanges);
  });
});

/**
 * The checkpatch and reply output formats, on hand-built reports (no matcher, no CLI process).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkpatchFormat, checkpatchType } from '../../server/src/cli/formats/checkpatch.ts';
import type { CheckSummary, FileReport, FormatContext } from '../../server/src/cli/formats/format.ts';
import { replyFormat } from '../../server/src/cli/formats/reply.ts';
import type { Finding } from '../../server/src/core/types.ts';

const ctx: FormatContext = { color: false, verbose: false, toolVersion: '0.0.0', cwd: '/' };
const summary: CheckSummary = { filesChecked: 1, filesAnalyzed: 1, filesFailed: 0, fixesApplied: 0 };

const PATCH = [
  'diff --git a/drivers/x.c b/drivers/x.c', // 0
  '--- a/drivers/x.c', // 1
  '+++ b/drivers/x.c', // 2
  '@@ -10,6 +10,9 @@ static int x_map(struct x *x)', // 3
  ' \tint ret;', // 4
  ' ', // 5
  '+\tret = pin_user_pages_fast(uaddr, 1, 0, &page);', // 6
  '+\tif (ret != 1)', // 7
  '+\t\treturn -EFAULT;', // 8
  '+\tput_page(page);', // 9
  ' \treturn 0;', // 10
  ' }', // 11
  '',
].join('\n');

function finding(line: number, severity: Finding['severity'], extra: object = {}): Finding {
  return {
    rule: 'wrong-release',
    severity,
    messageId: 'leavesPinRaised',
    data: { acquisition: 'pin_user_pages_fast()', release: 'put_page', right: 'unpin_user_page' },
    locations: {},
    range: { start: { line, column: 2 }, end: { line, column: 10 } },
    related: [],
    fixes: [
      {
        title: 'Use unpin_user_page()',
        edits: [{ range: { start: { line, column: 2 }, end: { line, column: 10 } }, newText: 'unpin_user_page' }],
      },
    ],
    ...extra,
  };
}

const report = (findings: Finding[], problems: string[] = []): FileReport => ({
  file: '-',
  kind: 'diff',
  findings,
  notes: [],
  problems,
  text: PATCH,
});

test('checkpatchType: rule id → checkpatch message type', () => {
  assert.equal(checkpatchType('wrong-release'), 'GUP_WRONG_RELEASE');
  assert.equal(checkpatchType('unchecked-result'), 'GUP_UNCHECKED_RESULT');
});

test('checkpatch: one terse line per finding, levels mapped, then the total', () => {
  const out = checkpatchFormat.render(
    [report([finding(9, 'warning'), finding(6, 'error'), finding(7, 'hint')], ['hunk @@ -1 +1 @@ does not apply'])],
    summary,
    ctx,
  );
  assert.equal(
    out,
    [
      '-: WARNING:GUP_PATCH_INPUT: hunk @@ -1 +1 @@ does not apply',
      '-:7: ERROR:GUP_WRONG_RELEASE: pages pinned by pin_user_pages_fast() are released with put_page(): use unpin_user_page() — put_page() leaves the pin count raised and the page stays "maybe DMA-pinned"',
      '-:8: CHECK:GUP_WRONG_RELEASE: pages pinned by pin_user_pages_fast() are released with put_page(): use unpin_user_page() — put_page() leaves the pin count raised and the page stays "maybe DMA-pinned"',
      '-:10: WARNING:GUP_WRONG_RELEASE: pages pinned by pin_user_pages_fast() are released with put_page(): use unpin_user_page() — put_page() leaves the pin count raised and the page stays "maybe DMA-pinned"',
      'total: 1 errors, 2 warnings, 1 checks, 12 lines checked',
      '',
    ].join('\n'),
  );
});

test('checkpatch: clean inputs print nothing at all', () => {
  assert.equal(checkpatchFormat.render([report([]), { ...report([]), file: 'b.patch' }], summary, ctx), '');
});

test('reply: hunk header, up to 3 lines before the finding, then blank / comment / blank / suggestion / blank', () => {
  const out = replyFormat.render([report([finding(9, 'warning')])], summary, ctx);
  assert.equal(
    out,
    [
      '> @@ -10,6 +10,9 @@ static int x_map(struct x *x)',
      '[...]',
      '> +\tret = pin_user_pages_fast(uaddr, 1, 0, &page);',
      '> +\tif (ret != 1)',
      '> +\t\treturn -EFAULT;',
      '> +\tput_page(page);',
      '',
      'pages pinned by pin_user_pages_fast() are released with put_page(): use',
      'unpin_user_page() — put_page() leaves the pin count raised and the page',
      'stays "maybe DMA-pinned"',
      '',
      '+\tunpin_user_page(page);',
      '',
      '',
    ].join('\n'),
  );
});

test("reply: a patch finding's own suggestion wins, findings of a series go under their subject", () => {
  const a = finding(7, 'warning', {
    patch: { index: 0, subject: '[PATCH 1/2] x: map' },
    suggestion: ['\tif (ret < 1)'],
  });
  const b = finding(9, 'warning', {
    patch: { index: 1, subject: 'Re: [PATCH 2/2] x: unmap' },
    suggestion: ['\tunpin_user_page(page);'],
  });
  const out = replyFormat.render([report([b, a])], summary, ctx).split('\n');
  assert.equal(out[0], 'Subject: Re: [PATCH 1/2] x: map');
  assert.ok(out.includes('\tif (ret < 1)'));
  const second = out.indexOf('Subject: Re: [PATCH 2/2] x: unmap');
  assert.ok(second > 0);
  assert.ok(out.indexOf('\tunpin_user_page(page);') > second);
  assert.equal(out.filter((l) => l === '> +\tput_page(page);').length, 1);
});

test('reply: nothing to say, nothing printed', () => {
  assert.equal(replyFormat.render([report([])], summary, ctx), '');
});

test("reply: a C file's findings are introduced by the file name", () => {
  const c: FileReport = {
    file: 'drivers/x.c',
    kind: 'c',
    findings: [finding(9, 'warning')],
    notes: [],
    problems: [],
    text: PATCH,
  };
  const out = replyFormat.render([c], summary, ctx).split('\n');
  assert.deepEqual(out.slice(0, 2), ['In drivers/x.c:', '']);
});

/**
 * Reviewing patches: findings land on the patch/mail line that shows them, on the patch of a
 * series that introduced them; fixes edit `+` lines of .patch/.diff inputs only (the patch still
 * applies); mails get review comments instead. Needs the matcher (wrong-release on
 * `put_page()` after `pin_user_pages_fast()`, missing-release for a pin never released).
 */
import { findingMessage, relatedMessage } from '../../server/src/core/messages/format-message.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, parsePatch } from 'diff';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyPatchFixes, reviewCommentEdit, suggestedFixText } from '../../server/src/core/patch/index.ts';
import { reviewPatch } from '../../server/src/project/review-patch.ts';
import { applyEdits, applyFixes } from '../../server/src/core/text-edits.ts';
import { FIXTURE_TREE, fixture, lineOf } from './patch-fixtures.ts';

const PUT = '\tput_page(page);';

function at(text: string, line: number, needle: string): number {
  const col = text.split('\n')[line]!.indexOf(needle);
  assert.ok(col >= 0);
  return col;
}

test('plain diff without a tree: wrong-release on the + line, the fix rewrites that line only', async () => {
  const text = fixture('plain.diff');
  const r = await reviewPatch(text, 'diff');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.findings.map((f) => f.rule),
    ['wrong-release'],
  );
  const f = r.findings[0]!;
  const line = lineOf(text, `+${PUT}`);
  assert.deepEqual(f.range.start, { line, column: at(text, line, 'put_page') });
  assert.equal(f.file, 'drivers/misc/gupdemo/gupdemo-dma.c');
  assert.equal(f.postImageLine, 48);
  assert.equal(f.onAddedLine, true);
  // Every line number a user reads is in the input's own numbering: the acquisition's + line.
  const acqInputLine = lineOf(text, '+\tret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);') + 1;
  assert.match(findingMessage(f), new RegExp(`\\(line ${acqInputLine}\\)`));
  assert.doesNotMatch(findingMessage(f), /\(line 43\)/, 'not the post-image line');
  assert.deepEqual(f.suggestion, ['\tunpin_user_page(page);']);
  // the acquisition is related information, on its own + line
  assert.equal(
    f.related[0]!.range.start.line,
    lineOf(text, '+\tret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);'),
  );
  const fixed = applyFixes(text, r.findings);
  assert.equal(fixed, text.replace(`+${PUT}`, '+\tunpin_user_page(page);'));
  // the fixed patch still parses with the same counts and applies to a matching pre-image
  const hunk = parsePatch(fixed)[0]!.hunks[0]!;
  const pre =
    [
      ...Array.from({ length: 39 }, (_, i) => `/* ${i + 1} */`),
      ...hunk.lines.filter((l) => !l.startsWith('+')).map((l) => l.slice(1)),
    ].join('\n') + '\n';
  const post = applyPatch(pre, fixed);
  assert.equal(typeof post, 'string');
  assert.ok((post as string).includes('\tunpin_user_page(page);\n'));
});

test('a tree gives the whole function: the pin outside the hunk is seen, the model comes from mm.h', async () => {
  const text = fixture('tree.patch');
  const alone = await reviewPatch(text, 'diff');
  // without the tree the hunk shows no acquisition, but its own - line says the page was pinned
  assert.deepEqual(
    alone.findings.map((f) => [f.rule, f.messageId]),
    [['wrong-release', 'replacesPinRelease']],
  );
  const r = await reviewPatch(text, 'diff', { tree: FIXTURE_TREE });
  // with the tree the analysis pairs the release with its pin: one finding, the analysis's
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.messageId]),
    [['wrong-release', 'leavesPinRaised']],
  );
  const line = lineOf(text, `+${PUT}`);
  assert.deepEqual(r.findings[0]!.range.start, { line, column: 2 });
  assert.equal(r.findings[0]!.postImageLine, 27);
  assert.match(r.models!['drivers/misc/gupdemo/gupdemo-core.c']!.reason, /tree[/\\]include[/\\]linux[/\\]mm\.h/);
  // the acquisition is not shown in the patch: related points at the hunk header and says where
  const rel = r.findings[0]!.related[0]!;
  assert.equal(
    rel.range.start.line,
    lineOf(text, '@@ -24,7 +24,7 @@ static int gupdemo_touch(struct gupdemo_buf *buf, unsigned long uaddr)'),
  );
  assert.match(relatedMessage(rel), /gupdemo-core\.c:20, not shown in the patch/);
});

test('a tree whose mm.h has no unpin_user_page selects the 2019 put_user_page model', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-tree-'));
  try {
    fs.mkdirSync(path.join(dir, 'include/linux'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'include/linux/mm.h'), 'void put_user_page(struct page *page);\n');
    fs.cpSync(path.join(FIXTURE_TREE, 'drivers'), path.join(dir, 'drivers'), { recursive: true });
    const r = await reviewPatch(fixture('tree.patch'), 'diff', { tree: dir });
    const choice = r.models!['drivers/misc/gupdemo/gupdemo-core.c']!;
    assert.equal(choice.model, 'put_user_page');
    assert.ok(choice.reason.includes(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a hunk that does not apply is reported once; the other hunk is still reviewed', async () => {
  const text = fixture('broken-hunk.patch');
  const r = await reviewPatch(text, 'diff', { tree: FIXTURE_TREE });
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, /gupdemo-core\.c: hunk @@ -32,5 \+32,5 @@ \(line 24\) .* does not apply/);
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.range.start.line]),
    [['wrong-release', lineOf(text, `+${PUT}`)]],
  );
});

test('series: pinned in 2/4 and unpinned in 4/4 is no leak; the wrong release is reported on 3/4', async () => {
  const text = fixture('series.mbox');
  const r = await reviewPatch(text, 'mbox');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.findings.map((f) => f.rule),
    ['wrong-release'],
  );
  const f = r.findings[0]!;
  assert.equal(f.range.start.line, lineOf(text, `+${PUT}`));
  assert.equal(f.patch.subject, '[PATCH 3/4] gupdemo: peek at one user word');
  assert.deepEqual(f.fixes, [], 'received mail is never rewritten');
  assert.deepEqual(f.suggestion, ['\tunpin_user_page(page);']);
});

test('series without its last patch: the leak is reported on the patch that pins', async () => {
  const text = fixture('series.mbox');
  const cut = text.slice(0, text.lastIndexOf('From mboxrd@z'));
  const r = await reviewPatch(cut, 'mbox');
  const leak = r.findings.find((f) => f.rule === 'missing-release');
  assert.ok(leak, JSON.stringify(r.findings.map((f) => f.rule)));
  assert.equal(leak.patch.subject, '[PATCH 2/4] gupdemo: sum the words of a user range');
  // on a line of patch 2/4
  const start = cut.indexOf('Subject: [PATCH 2/4]');
  const next = cut.indexOf('From mboxrd@z', start);
  const end = next < 0 ? cut.length : next;
  const offsetOfLine = cut.split('\n').slice(0, leak.range.start.line).join('\n').length;
  assert.ok(offsetOfLine > start && offsetOfLine < end);
});

for (const [name, quoted] of [
  ['reply-depth1.eml', `> +${PUT}`],
  ['reply-depth2.eml', `> > +${PUT}`],
  ['reply-nospace.eml', `>+${PUT}`],
] as const) {
  test(`${name}: finding on the quoted line, review comment inserted under it`, async () => {
    const text = fixture(name);
    const r = await reviewPatch(text, 'mail');
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ['wrong-release'],
    );
    const f = r.findings[0]!;
    const line = lineOf(text, quoted);
    assert.deepEqual(f.range.start, { line, column: at(text, line, 'put_page') });
    assert.deepEqual(f.fixes, []);
    assert.equal(suggestedFixText(f), '\tunpin_user_page(page);');
    assert.equal(f.encoded, false);
    const edit = reviewCommentEdit(text, f);
    assert.ok(edit);
    const out = applyEdits(text, [edit]).split('\n');
    assert.equal(out[line], quoted);
    assert.equal(out[line + 1], '');
    assert.ok(out[line + 2]!.startsWith('pages pinned by pin_user_pages_fast()'), out[line + 2]);
    const sug = out.indexOf('\tunpin_user_page(page);', line);
    assert.ok(sug > line + 2);
    assert.equal(out[sug - 1], '');
    assert.equal(out[sug + 1], '');
    assert.equal(
      out.slice(sug + 2).join('\n'),
      text
        .split('\n')
        .slice(line + 1)
        .join('\n'),
      'the rest of the mail is unchanged',
    );
  });
}

test('quoted-printable mail: the finding is on the encoded line, at the exact column', async () => {
  const text = fixture('quoted-printable.eml');
  const r = await reviewPatch(text, 'mail');
  assert.deepEqual(
    r.findings.map((f) => f.rule),
    ['wrong-release'],
  );
  const line = lineOf(text, `+${PUT}`);
  assert.deepEqual(r.findings[0]!.range.start, { line, column: 2 });
});

test('base64 mail: the finding covers the encoded line that holds the code', async () => {
  const text = fixture('base64.eml');
  const r = await reviewPatch(text, 'mail');
  assert.deepEqual(
    r.findings.map((f) => f.rule),
    ['wrong-release'],
  );
  const f = r.findings[0]!;
  const lines = text.split('\n');
  assert.deepEqual(f.range, {
    start: { line: f.range.start.line, column: 0 },
    end: { line: f.range.start.line, column: lines[f.range.start.line]!.length },
  });
  const upTo = (n: number) => Buffer.from(lines.slice(lines.indexOf('') + 1, n).join(''), 'base64').toString('utf8');
  assert.ok(!upTo(f.range.start.line).includes(PUT) && upTo(f.range.start.line + 1).includes('+\tput_'));
  assert.deepEqual(f.suggestion, ['\tunpin_user_page(page);'], 'the model comes from the decoded text');
  assert.equal(f.encoded, true);
  assert.equal(reviewCommentEdit(text, f), undefined, 'no comment inside a base64 body');
});

test('CRLF patch: same findings as LF, and the fix keeps CRLF', async () => {
  const lf = fixture('plain.diff');
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = await reviewPatch(lf, 'diff');
  const b = await reviewPatch(crlf, 'diff');
  assert.deepEqual(
    b.findings.map((f) => [f.rule, f.range]),
    a.findings.map((f) => [f.rule, f.range]),
  );
  assert.equal(applyFixes(crlf, b.findings), applyFixes(lf, a.findings).replace(/\n/g, '\r\n'));
});

test('includeExisting: a problem in an unchanged function is reported only on request', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-tree-'));
  try {
    fs.cpSync(FIXTURE_TREE, dir, { recursive: true });
    const file = path.join(dir, 'drivers/misc/gupdemo/gupdemo-core.c');
    // an existing bug in gupdemo_touch(); the patch only changes gupdemo_free()
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('\tunpin_user_page(page);', '\tput_page(page);'));
    const patch = fixture('broken-hunk.patch')
      .replace(/@@ -24,7[\s\S]*?(?=@@ -32)/, '')
      .replace('-\tvfree(', '-\tkfree(');
    const quiet = await reviewPatch(patch, 'diff', { tree: dir });
    assert.deepEqual(quiet.problems, []);
    assert.deepEqual(quiet.findings, []);
    const all = await reviewPatch(patch, 'diff', { tree: dir, includeExisting: true });
    assert.deepEqual(
      all.findings.map((f) => f.rule),
      ['wrong-release'],
    );
    assert.match(findingMessage(all.findings[0]!), /gupdemo-core\.c:27, not shown in the patch/);
    assert.equal(all.findings[0]!.onAddedLine, false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no patch in the input: one clear problem', async () => {
  const r = await reviewPatch('From: a@example.org\nSubject: hello\n\nJust prose.\n', 'mail');
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.problems, [
    'no patch found: no hunk (@@ -a,b +c,d @@) and no quoted +/- lines of code in the input',
  ]);
});

const GRAB = [
  'diff --git a/drivers/misc/gupdemo/gupdemo-x.c b/drivers/misc/gupdemo/gupdemo-x.c',
  'index 1234567..89abcde 100644',
  '--- a/drivers/misc/gupdemo/gupdemo-x.c',
  '+++ b/drivers/misc/gupdemo/gupdemo-x.c',
  '@@ -10,9 +10,12 @@ static int gupdemo_grab(struct gupdemo_buf *buf, unsigned long uaddr)',
  ' {',
  ' \tstruct page *page;',
  ' \tint ret;',
  ' ',
  '-\tret = 0;',
  '+\tret = pin_user_pages_fast(uaddr, 1, 0, &page);',
  '+\tif (ret != 1)',
  '+\t\treturn -EFAULT;',
  '+\tret = gupdemo_check(buf);',
  ' \tif (ret)',
  ' \t\treturn ret;',
  ' \treturn 0;',
  ' }',
  '',
].join('\n');

test('without a tree, a function the hunk shows whole (head from the hunk header) gets missing-release', async () => {
  const r = await reviewPatch(GRAB, 'diff');
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.range.start.line, f.onAddedLine]),
    [
      ['missing-release', GRAB.split('\n').indexOf(' \t\treturn ret;'), false],
      ['missing-release', GRAB.split('\n').indexOf(' \treturn 0;'), false],
    ],
  );
  assert.equal(r.findings[0]!.range.start.column, 3);
});

test('without a tree, a function cut by the hunk gets no missing-release, only a note', async () => {
  const cut = GRAB.replace('@@ -10,9 +10,12 @@', '@@ -10,7 +10,10 @@').replace(' \treturn 0;\n }\n', '');
  const r = await reviewPatch(cut, 'diff');
  assert.deepEqual(r.findings, []);
  assert.ok(
    r.notes!.some((n) =>
      /missing-release in gupdemo_grab not reported: the patch shows only part of the function/.test(n),
    ),
    r.notes!.join('\n'),
  );
});

test('multipart mail: a 7bit and a base64 attachment are both reviewed, each on its own lines', async () => {
  const text = fixture('attachments.eml');
  const r = await reviewPatch(text, 'mail', { tree: FIXTURE_TREE });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.file]),
    [
      ['wrong-release', 'drivers/misc/gupdemo/gupdemo-dma.c'],
      ['wrong-release', 'drivers/misc/gupdemo/gupdemo-core.c'],
    ],
  );
  const [seven, b64] = r.findings;
  assert.deepEqual(seven!.range.start, { line: lineOf(text, `+${PUT}`), column: 2 });
  const lines = text.split('\n');
  assert.equal(b64!.range.start.column, 0);
  assert.match(lines[b64!.range.start.line]!, /^[A-Za-z0-9+/=]+$/, 'on a line of the base64 part');
  assert.ok(b64!.range.start.line > lineOf(text, 'Content-Transfer-Encoding: base64'));
});

test('applyPatchFixes: rewrites the + line of a .patch, refuses mail', async () => {
  const text = fixture('broken-hunk.patch');
  const r = await reviewPatch(text, 'diff', { tree: FIXTURE_TREE });
  const out = await applyPatchFixes(text, 'diff', r.findings);
  assert.equal(out.applied, 1);
  assert.equal(out.text, text.replace(`+${PUT}`, '+\tunpin_user_page(page);'));
  const again = await reviewPatch(out.text, 'diff', { tree: FIXTURE_TREE });
  assert.deepEqual(again.findings, [], 'fixed');
  const mail = await reviewPatch(fixture('reply-depth1.eml'), 'mail');
  await assert.rejects(
    applyPatchFixes(fixture('reply-depth1.eml'), 'mail', mail.findings),
    /received mail: it is never rewritten/,
  );
});

test('without a tree: a function whose type is on the line above (git shows it as the hunk context) is still a function', async () => {
  const diff = [
    '--- a/drivers/misc/gupdemo/gupdemo-y.c',
    '+++ b/drivers/misc/gupdemo/gupdemo-y.c',
    '@@ -20,9 +20,9 @@ static int',
    ' gupdemo_peek_one(unsigned long uaddr)',
    ' {',
    ' \tstruct page *page;',
    ' ',
    ' \tif (pin_user_pages_fast(uaddr, 1, 0, &page) != 1)',
    ' \t\treturn -EFAULT;',
    '-\tunpin_user_page(page);',
    `+${PUT}`,
    ' \treturn 0;',
    ' }',
    '',
  ].join('\n');
  const r = await reviewPatch(diff, 'diff');
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.range.start.line]),
    [['wrong-release', diff.split('\n').indexOf(`+${PUT}`)]],
  );
  assert.equal(r.findings[0]!.functionName, 'gupdemo_peek_one');
});

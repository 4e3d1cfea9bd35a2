/**
 * Patches as they arrive (issue 10): replies that quote only a few lines of a hunk (no `@@`, no
 * file header, any depth, quoted-printable), archived mail (Received chains, folded and encoded
 * headers, CRLF), and the patch's own `-` lines as evidence. Fixtures of our own under
 * test/fixtures/patches/arrives/. Positions are asserted exactly: 0-based line and column of the
 * input the reviewer reads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingMessage } from '../../server/src/core/messages/format-message.ts';
import { readPatchInput } from '../../server/src/core/patch/index.ts';
import { reviewPatch } from '../../server/src/project/review-patch.ts';
import { runCli } from './cli-support.ts';
import { PATCH_FIXTURES, fixture, lineOf } from './patch-fixtures.ts';

/** [rule, 0-based line, 0-based column] of each finding. */
async function findings(name: string, kind: 'diff' | 'mail' | 'mbox' = 'mail') {
  const r = await reviewPatch(fixture(name), kind);
  return { r, got: r.findings.map((f) => [f.rule, f.range.start.line, f.range.start.column]) };
}

/** Line and column of `needle` on the only line equal to `line`. */
function pos(name: string, line: string, needle: string): [number, number] {
  const text = fixture(name);
  const l = lineOf(text, line);
  const c = text.split('\n')[l]!.indexOf(needle);
  assert.ok(c >= 0, needle);
  return [l, c];
}

test('a reply quoting a hunk with its @@ line but no file header: the + line is reviewed', async () => {
  const name = 'arrives/reply-noheader-d1.eml';
  const { r, got } = await findings(name);
  assert.deepEqual(got, [['wrong-release', ...pos(name, '> +\tput_page(page);', 'put_page')]]);
  assert.equal(
    r.findings[0]!.related[0]!.range.start.line,
    pos(name, '> +\tret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);', 'ret')[0],
  );
});

test('quoted + lines with no @@ and no file header, depth 2: a hunk fragment of an unknown file', async () => {
  const name = 'arrives/reply-noat-d2.eml';
  const { r, got } = await findings(name);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(got, [['wrong-release', ...pos(name, '> > +\tput_page(page);', 'put_page')]]);
  const acq = pos(name, '> > +\tret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);', 'pin_user')[0];
  assert.match(findingMessage(r.findings[0]!), new RegExp(`\\(line ${acq + 1}\\)`));
});

test('depth 3 with the ---/+++ file header and no @@: the file is named, the + line reviewed', async () => {
  const name = 'arrives/reply-fileheader-d3.eml';
  const { r, got } = await findings(name);
  assert.deepEqual(got, [['wrong-release', ...pos(name, '> > > +\tput_page(page);', 'put_page')]]);
  assert.equal(r.findings[0]!.file, 'drivers/misc/xbuf/xbuf-map.c');
});

test('a quoted-printable reply quoting + lines without @@: decoded, on the encoded line', async () => {
  const name = 'arrives/reply-qp-noat.eml';
  const { got } = await findings(name);
  assert.deepEqual(got, [['wrong-release', ...pos(name, '> +\tput_page(page);', 'put_page')]]);
});

test('quoted prose bullets and a diffstat are not a hunk: no patch found, nothing reported', async () => {
  const { r, got } = await findings('arrives/reply-bullets.eml');
  assert.deepEqual(got, []);
  assert.match(r.problems.join('\n'), /no patch found/);
  const input = await readPatchInput(fixture('arrives/reply-bullets.eml'), 'mail');
  assert.equal(input.quoted.length, 0);
});

test("the patch's own evidence: unpin_user_page() → put_page() with no acquisition in view is a wrong release", async () => {
  const name = 'arrives/unpin-to-put.diff';
  const { r, got } = await findings(name, 'diff');
  assert.deepEqual(got, [['wrong-release', ...pos(name, '+\t\tput_page(xb->pages[i]);', 'put_page')]]);
  const f = r.findings[0]!;
  const removed = pos(name, '-\t\tunpin_user_page(xb->pages[i]);', 'unpin_user_page');
  assert.deepEqual([f.related[0]!.range.start.line, f.related[0]!.range.start.column], removed);
  assert.match(
    findingMessage(f),
    new RegExp(`replaces unpin_user_page\\(\\) \\(line ${removed[0] + 1}\\) with put_page\\(\\)`),
  );
  assert.deepEqual(f.fixes[0]!.edits[0]!.newText, 'unpin_user_page');
  assert.deepEqual(f.suggestion, ['\t\tunpin_user_page(xb->pages[i]);']);
});

test('the same change quoted in a reply (depth 2, no @@): reported on the quoted + line, no fix in mail', async () => {
  const name = 'arrives/reply-unpin-to-put.eml';
  const { r, got } = await findings(name);
  assert.deepEqual(got, [['wrong-release', ...pos(name, '> > +\t\tput_page(xb->pages[i]);', 'put_page')]]);
  assert.deepEqual(r.findings[0]!.fixes, []);
  assert.deepEqual(r.findings[0]!.suggestion, ['\t\tunpin_user_page(xb->pages[i]);']);
});

test('put_page() → unpin_user_page() on pages a get_user_pages_fast() in the patch fills: mismatched-release', async () => {
  const name = 'arrives/put-to-unpin-get.diff';
  const { got } = await findings(name, 'diff');
  assert.deepEqual(got, [['mismatched-release', ...pos(name, '+\t\tunpin_user_page(xb->pages[i]);', 'unpin')]]);
});

test('quiet: a get→pin conversion and its revert (decided by the analysis), an unpin with no acquisition (with a note)', async () => {
  // A get→pin conversion and its revert are decided by the analysis now: the two hunks' functions
  // are indexed together (series ownership), so the release is paired with the acquisition the
  // same patch changed, and found right: quiet, with no note of an undecided release.
  for (const name of ['arrives/put-to-unpin-conversion.diff', 'arrives/unpin-to-put-revert.diff']) {
    const decided = await findings(name, 'diff');
    assert.deepEqual(decided.got, [], name);
    assert.doesNotMatch((decided.r.notes ?? []).join('\n'), /not reported/, name);
  }
  const cases: Array<[string, RegExp]> = [
    ['arrives/put-to-unpin-alone.diff', /nothing in view says the pages hold ordinary references/],
  ];
  for (const [name, note] of cases) {
    const { r, got } = await findings(name, 'diff');
    assert.deepEqual(got, [], name);
    assert.match((r.notes ?? []).join('\n'), note, name);
  }
});

test('2019 model: put_user_page() → put_page() is a wrong release; put_page() → put_user_page() is the conversion', async () => {
  const wrong = fixture('arrives/unpin-to-put.diff').replace(/unpin_user_page/g, 'put_user_page');
  const r = await reviewPatch(wrong, 'diff');
  assert.equal(r.model.model, 'put_user_page');
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.messageId, f.data.right]),
    [['wrong-release', 'replacesPinRelease', 'put_user_page']],
  );
  const conversion = fixture('arrives/put-to-unpin-alone.diff').replace(/unpin_user_page/g, 'put_user_page');
  const c = await reviewPatch(conversion, 'diff');
  assert.equal(c.model.model, 'put_user_page');
  assert.deepEqual(c.findings, []);
});

test('the analysis decides when the acquisition is in view: one finding, from the analysis', async () => {
  const text = [
    'diff --git a/drivers/misc/xbuf/xbuf-one.c b/drivers/misc/xbuf/xbuf-one.c',
    '--- a/drivers/misc/xbuf/xbuf-one.c',
    '+++ b/drivers/misc/xbuf/xbuf-one.c',
    '@@ -10,9 +10,9 @@ static int xbuf_one(unsigned long uaddr)',
    ' \tstruct page *page;',
    ' \tint ret;',
    ' ',
    ' \tret = pin_user_pages_fast(uaddr, 1, 0, &page);',
    ' \tif (ret != 1)',
    ' \t\treturn -EFAULT;',
    '-\tunpin_user_page(page);',
    '+\tput_page(page);',
    ' \treturn 0;',
    '',
  ].join('\n');
  const r = await reviewPatch(text, 'diff');
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.messageId, f.range.start.line]),
    [['wrong-release', 'leavesPinRaised', 11]],
  );
});

test('CLI: the evidence finding on the + line, and --verbose says why a put_page() → unpin_user_page() stayed quiet', () => {
  const name = 'arrives/unpin-to-put.diff';
  const [line, col] = pos(name, '+\t\tput_page(xb->pages[i]);', 'put_page');
  const r = runCli(['check', name], { cwd: PATCH_FIXTURES });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(
      `^${name}:${line + 1}:${col + 1}: warning: the patch replaces unpin_user_page\\(\\) \\(line ${line}\\) with put_page\\(\\).*\\[gup/wrong-release\\]$`,
      'm',
    ),
  );
  const quiet = runCli(['check', '--verbose', 'arrives/put-to-unpin-alone.diff'], { cwd: PATCH_FIXTURES });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.match(
    quiet.stdout,
    /^arrives\/put-to-unpin-alone\.diff: note: put_page\(\) \(line 9\) replaced by unpin_user_page\(\) \(line 10\): not reported: nothing in view says the pages hold ordinary references/m,
  );
  assert.doesNotMatch(
    runCli(['check', 'arrives/put-to-unpin-alone.diff'], { cwd: PATCH_FIXTURES }).stdout,
    /not reported/,
  );
});

test('archived mail: a folded Received chain, an encoded-word subject, CRLF and a QP body are read', async () => {
  const name = 'arrives/archived-qp.mbox';
  const text = fixture(name);
  const input = await readPatchInput(text, 'mbox');
  assert.equal(input.series.length, 1);
  assert.equal(input.series[0]!.subject, '[PATCH 2/2] xbuf: release the ring pages on close');
  assert.deepEqual(input.series[0]!.number, { n: 2, total: 2 });
  assert.equal(
    input.series[0]!.subjectLine,
    lineOf(text, 'Subject: =?UTF-8?q?=5BPATCH=202/2=5D=20xbuf=3A=20release=20the=20ring=20pages?='),
  );
  // the hunk opens by closing a block (" \t}") and is analysed all the same
  const { got } = await findings(name, 'mbox');
  assert.deepEqual(got, [
    ['wrong-release', ...pos(name, '+\tput_page(r->pages[0]); /* drop the probe page */', 'put_page')],
  ]);
});

test('archived series: Received chains on each message, base64 and 8bit bodies, [PATCH n/m] order kept', async () => {
  const name = 'arrives/archived-series.mbox';
  const input = await readPatchInput(fixture(name), 'mbox');
  assert.deepEqual(
    input.series.map((p) => [p.number?.n, p.subject]),
    [
      [1, '[PATCH 1/2] xbuf: pin the ring at setup'],
      [2, '[PATCH 2/2] xbuf: teardown releases the ring'],
    ],
  );
  const { r, got } = await findings(name, 'mbox');
  assert.deepEqual(got, [['wrong-release', ...pos(name, '+\t\tput_page(r->pages[i]);', 'put_page')]]);
  assert.equal(r.findings[0]!.patch.subject, '[PATCH 2/2] xbuf: teardown releases the ring');
});

test('--format reply quotes the decoded text (never =3D or a soft break) and keeps the Subject: Re: line', () => {
  const r = runCli(['check', '--format', 'reply', 'arrives/archived-qp.mbox'], { cwd: PATCH_FIXTURES });
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout.split('\n');
  assert.equal(out[0], 'Subject: Re: [PATCH 2/2] xbuf: release the ring pages on close');
  assert.ok(
    out.includes('> @@ -61,9 +61,11 @@ static int xbuf_ring_fill(struct xbuf_ring *r, unsigned long uaddr)'),
    r.stdout,
  );
  assert.ok(out.includes('> +\tput_page(r->pages[0]); /* drop the probe page */'), r.stdout);
  assert.doesNotMatch(r.stdout, /=3D|lon=$/m);
  const qp = runCli(['check', '--format', 'reply', 'arrives/reply-qp-noat.eml'], { cwd: PATCH_FIXTURES });
  assert.equal(qp.stdout.split('\n')[0], 'Subject: Re: [PATCH] xbuf: map one user page');
  assert.ok(qp.stdout.split('\n').includes('> > +\tif (ret != 1)'), qp.stdout);
  assert.doesNotMatch(qp.stdout, /=3D/);
});

test('mutt pipe: a reply on stdin with --format reply - (no file name) is read as mail and reviewed', () => {
  const r = runCli(['check', '--format', 'reply', '-'], { input: fixture('arrives/reply-noat-d2.eml') });
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout.split('\n');
  assert.equal(out[0], 'Subject: Re: [PATCH] xbuf: map one user page');
  assert.ok(out.includes('> > > +\tput_page(page);'), r.stdout);
  assert.ok(out.includes('\tunpin_user_page(page);'), r.stdout);
});

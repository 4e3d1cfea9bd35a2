/**
 * Reading patch inputs: every shape (plain diff, format-patch, mbox series with a cover letter,
 * replies quoted at depth 1 and 2 and with `>` only, quoted-printable, base64, CRLF, broken
 * hunks) and the mapping of each diff line back to the input line the reviewer reads.
 * These tests do not need the matcher.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, parsePatch } from 'diff';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectPatchInput, locateInPatch, readPatchInput, type PatchInput } from '../../server/src/core/patch/index.ts';
import type { HunkLine } from '../../server/src/core/patch/diff-parse.ts';
import { applyHunks, fullImage, imageText } from '../../server/src/core/patch/post-image.ts';
import { quotePrefix } from '../../server/src/core/patch/quote-layers.ts';
import { FIXTURE_TREE, fixture, lineOf } from './patch-fixtures.ts';

function allLines(input: PatchInput): HunkLine[] {
  return [...input.series, ...input.quoted].flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.lines)));
}

/** The hunk line whose content is `code` (exactly one). */
function hunkLine(input: PatchInput, op: string, code: string): HunkLine {
  const hits = allLines(input).filter((l) => l.op === op && l.src.text === code);
  assert.equal(hits.length, 1, `one ${op}${code}`);
  return hits[0]!;
}

test('detectPatchInput: by name, then by content (stdin)', () => {
  assert.equal(detectPatchInput('x.patch', ''), 'diff');
  assert.equal(detectPatchInput('x.DIFF', ''), 'diff');
  assert.equal(detectPatchInput('t.mbx', ''), 'mbox');
  assert.equal(detectPatchInput('t.mbox', ''), 'mbox');
  assert.equal(detectPatchInput('r.eml', ''), 'mail');
  assert.equal(detectPatchInput('-', fixture('plain.diff')), 'diff');
  assert.equal(detectPatchInput('-', fixture('tree.patch')), 'diff');
  assert.equal(detectPatchInput('-', fixture('series.mbox')), 'mbox');
  assert.equal(detectPatchInput('-', fixture('reply-depth1.eml')), 'mail');
  assert.equal(detectPatchInput('-', fixture('reply-nospace.eml')), 'mail');
  assert.equal(detectPatchInput('-', 'static int x;\n'), undefined);
  assert.equal(detectPatchInput('foo.c', '// a C file mentioning diff --git\nint x;\n'), undefined);
});

test('plain diff: paths, hunk header, and each line mapped to its input line and column', async () => {
  const text = fixture('plain.diff');
  const input = await readPatchInput(text, 'diff');
  assert.equal(input.series.length, 1);
  const [file] = input.series[0]!.files;
  assert.equal(file!.oldPath, 'drivers/misc/gupdemo/gupdemo-dma.c');
  assert.equal(file!.newPath, 'drivers/misc/gupdemo/gupdemo-dma.c');
  const hunk = file!.hunks[0]!;
  assert.deepEqual([hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines, hunk.trimmed], [40, 8, 40, 13, false]);
  assert.equal(hunk.functionContext, 'static int gupdemo_map_one(struct gupdemo_dev *gd, unsigned long uaddr)');
  const put = hunkLine(input, '+', '\tput_page(page);');
  assert.equal(put.src.line, lineOf(text, '+\tput_page(page);'));
  assert.equal(put.src.column, 1);
  assert.ok(put.src.exact);
  const removed = hunkLine(input, '-', '\tret = gupdemo_lookup(gd, uaddr, &page);');
  assert.equal(removed.src.line, lineOf(text, '-\tret = gupdemo_lookup(gd, uaddr, &page);'));
});

test('locateInPatch: a + line gives the post-image line, a - line the pre-image line', async () => {
  const text = fixture('plain.diff');
  const input = await readPatchInput(text, 'diff');
  const line = lineOf(text, '+\tput_page(page);');
  const at = locateInPatch(input, { line, column: 3 });
  assert.ok(at);
  assert.deepEqual(
    [at.file, at.side, at.line, at.code, at.column, at.op],
    ['drivers/misc/gupdemo/gupdemo-dma.c', 'new', 48, '\tput_page(page);', 2, '+'],
  );
  const old = locateInPatch(input, { line: lineOf(text, '-\tret = gupdemo_lookup(gd, uaddr, &page);'), column: 0 });
  assert.deepEqual([old?.side, old?.line, old?.column], ['old', 43, -1]);
  assert.equal(locateInPatch(input, { line: 0, column: 0 }), undefined, 'diff --git line shows no code');
});

test('series mbox: cover letter skipped, patches ordered by [PATCH n/m], new file detected', async () => {
  const text = fixture('series.mbox');
  const input = await readPatchInput(text, 'mbox');
  assert.equal(input.messageCount, 5);
  assert.deepEqual(
    input.series.map((p) => p.number?.n),
    [1, 2, 3, 4],
  );
  assert.deepEqual(
    input.series.map((p) => p.subject),
    [
      '[PATCH 1/4] gupdemo: add the pinning helpers file',
      '[PATCH 2/4] gupdemo: sum the words of a user range',
      '[PATCH 3/4] gupdemo: peek at one user word',
      '[PATCH 4/4] gupdemo: unpin the summed range',
    ],
  );
  // the mbox holds 3/4 before 2/4
  assert.ok(input.series[2]!.message < input.series[1]!.message);
  assert.equal(input.series[0]!.files[0]!.oldPath, null);
  assert.equal(input.quoted.length, 0);
  const unpin = hunkLine(input, '+', '\tunpin_user_pages(pages, got);');
  assert.equal(unpin.src.line, lineOf(text, '+\tunpin_user_pages(pages, got);'));
});

test('reply with "> " quotes: the quoted hunk continues across the reviewer\'s comments', async () => {
  const text = fixture('reply-depth1.eml');
  const input = await readPatchInput(text, 'mail');
  assert.equal(input.series.length, 0);
  assert.equal(input.quoted.length, 1);
  assert.equal(input.quoted[0]!.depth, 1);
  const hunk = input.quoted[0]!.files[0]!.hunks[0]!;
  assert.equal(hunk.trimmed, false, 'the comments between quoted lines are not hunk lines');
  assert.equal(hunk.lines.length, 16);
  const put = hunkLine(input, '+', '\tput_page(page);');
  assert.equal(put.src.line, lineOf(text, '> +\tput_page(page);'));
  assert.equal(put.src.column, 3);
  const ctx = hunkLine(input, ' ', '\treturn got;');
  assert.equal(ctx.src.column, 3, 'context line: "> " then the diff\'s own space');
});

test('reply to a reply: the patch is read at depth 2, depth-1 comments skipped', async () => {
  const text = fixture('reply-depth2.eml');
  const input = await readPatchInput(text, 'mail');
  assert.deepEqual(
    input.quoted.map((q) => q.depth),
    [2],
  );
  const hunk = input.quoted[0]!.files[0]!.hunks[0]!;
  assert.equal(hunk.trimmed, false);
  const put = hunkLine(input, '+', '\tput_page(page);');
  assert.equal(put.src.line, lineOf(text, '> > +\tput_page(page);'));
  assert.equal(put.src.column, 5);
});

test('reply quoting with ">" and no space: context lines keep their own space', async () => {
  const text = fixture('reply-nospace.eml');
  const input = await readPatchInput(text, 'mail');
  const hunk = input.quoted[0]!.files[0]!.hunks[0]!;
  assert.equal(hunk.trimmed, false, 'counts add up only if "> \\t" is read as a context line');
  assert.equal(hunk.lines.filter((l) => l.op === ' ').length, 3);
  const put = hunkLine(input, '+', '\tput_page(page);');
  assert.equal(put.src.line, lineOf(text, '>+\tput_page(page);'));
  assert.equal(put.src.column, 2);
});

test('quotePrefix: depth and marker length for the usual quoting styles', () => {
  assert.deepEqual(quotePrefix('> +x'), { depth: 1, length: 1 });
  assert.deepEqual(quotePrefix('> > +x'), { depth: 2, length: 3 });
  assert.deepEqual(quotePrefix('>> +x'), { depth: 2, length: 2 });
  assert.deepEqual(quotePrefix('>+x'), { depth: 1, length: 1 });
  assert.deepEqual(quotePrefix(' +x'), { depth: 0, length: 0 });
});

test('quoted-printable body: decoded lines map to their encoded lines; escaped lines are inexact', async () => {
  const text = fixture('quoted-printable.eml');
  assert.ok(text.includes('=3D'), 'the fixture really is encoded');
  const input = await readPatchInput(text, 'mail');
  assert.equal(input.series.length, 1);
  const put = hunkLine(input, '+', '\tput_page(page);');
  assert.equal(put.src.line, lineOf(text, '+\tput_page(page);'));
  assert.ok(put.src.exact, 'a line without escapes maps column for column');
  const pin = hunkLine(input, '+', '\tret = pin_user_pages_fast(uaddr, 1, 0, &page);');
  assert.equal(pin.src.line, lineOf(text, '+\tret =3D pin_user_pages_fast(uaddr, 1, 0, &page);'));
  assert.equal(pin.src.exact, false);
  // a line split by a soft break maps to the encoded line it starts on
  const long = allLines(input).find((l) => l.src.text.includes('as the device sees it'))!;
  assert.ok(text.split('\n')[long.src.line]!.startsWith('+\t*val =3D'));
  assert.ok(text.split('\n')[long.src.line]!.endsWith('='));
});

test('base64 body: a decoded line maps to the encoded line holding its first byte', async () => {
  const text = fixture('base64.eml');
  const input = await readPatchInput(text, 'mail');
  assert.equal(input.series.length, 1);
  const put = hunkLine(input, '+', '\tput_page(page);');
  assert.equal(put.src.exact, false);
  const lines = text.split('\n');
  const bodyStart = lines.indexOf('') + 1;
  const decodedUpTo = (n: number) => Buffer.from(lines.slice(bodyStart, n).join(''), 'base64').toString('utf8');
  const lineStartOffset = Buffer.byteLength(decodedUpTo(lines.length).split('+\tput_page(page);')[0]!);
  assert.ok(put.src.line >= bodyStart);
  assert.ok(Buffer.byteLength(decodedUpTo(put.src.line)) <= lineStartOffset, 'starts at or after this line');
  assert.ok(Buffer.byteLength(decodedUpTo(put.src.line + 1)) > lineStartOffset, 'starts before the next line');
});

test('CRLF input: same hunks and mapping, no \\r in the lines', async () => {
  const lf = fixture('tree.patch');
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = await readPatchInput(lf, 'diff');
  const b = await readPatchInput(crlf, 'diff');
  assert.deepEqual(
    allLines(b).map((l) => [l.op, l.src.text, l.src.line, l.src.column]),
    allLines(a).map((l) => [l.op, l.src.text, l.src.line, l.src.column]),
  );
  assert.ok(allLines(b).every((l) => !l.src.text.includes('\r')));
  assert.equal(a.series[0]!.subject, '[PATCH] gupdemo: drop the page reference with put_page()');
});

test('a hunk with wrong line counts is marked trimmed', async () => {
  const text = fixture('plain.diff').replace('@@ -40,8 +40,13 @@', '@@ -40,9 +40,14 @@');
  const input = await readPatchInput(text, 'diff');
  assert.equal(input.series[0]!.files[0]!.hunks[0]!.trimmed, true);
});

test('applying with provenance gives the same post-image as jsdiff applyPatch', async () => {
  const pre = fs.readFileSync(path.join(FIXTURE_TREE, 'drivers/misc/gupdemo/gupdemo-core.c'), 'utf8');
  const patchText = fixture('tree.patch');
  const input = await readPatchInput(patchText, 'diff');
  const image = fullImage(pre);
  const failed = applyHunks(image, input.series[0]!.files[0]!.hunks, 0);
  assert.equal(failed.length, 0);
  // jsdiff reads the format-patch signature (`-- `) as a hunk line: give it the diff alone
  const expected = applyPatch(pre, parsePatch(patchText.split('\n-- \n')[0]! + '\n')[0]!);
  assert.equal(typeof expected, 'string');
  assert.equal(imageText(image), expected);
  const added = image.lines.filter((l) => l.added);
  assert.deepEqual(
    added.map((l) => [l.n, l.text, l.added!.src.line]),
    [[27, '\tput_page(page);', lineOf(patchText, '+\tput_page(page);')]],
  );
});

test('a hunk that does not apply to the tree file is returned, the others are applied', async () => {
  const pre = fs.readFileSync(path.join(FIXTURE_TREE, 'drivers/misc/gupdemo/gupdemo-core.c'), 'utf8');
  const input = await readPatchInput(fixture('broken-hunk.patch'), 'diff');
  const image = fullImage(pre);
  const failed = applyHunks(image, input.series[0]!.files[0]!.hunks, 0);
  assert.deepEqual(
    failed.map((h) => h.oldStart),
    [32],
  );
  assert.ok(imageText(image).includes('\tput_page(page);\n'));
  assert.ok(imageText(image).includes('\tkfree(buf->pages);\n'));
});

test('an mbox holding two revisions reviews the latest; a diff inline in a Re: mail stands alone', async () => {
  const v1 = fixture('series.mbox');
  const msgs = v1.split(/^(?=From mboxrd@z )/m);
  const p3 = msgs.find((m) => m.includes('Subject: [PATCH 3/4]'))!;
  const v2 = p3.replace('[PATCH 3/4]', '[PATCH v2 3/4]').replace('+\tput_page(page);', '+\tunpin_user_page(page);');
  const reply = p3.replace('Subject: [PATCH 3/4]', 'Subject: Re: [PATCH 3/4]');
  const input = await readPatchInput(v1 + v2 + reply, 'mbox');
  assert.deepEqual(
    input.series.map((p) => p.subject),
    ['[PATCH v2 3/4] gupdemo: peek at one user word'],
  );
  assert.equal(input.skippedOlderRevisions, 4);
  assert.deepEqual(
    input.quoted.map((p) => [p.subject, p.depth]),
    [['Re: [PATCH 3/4] gupdemo: peek at one user word', 0]],
  );
});

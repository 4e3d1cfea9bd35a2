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
import { fixture, lineOf } from './patch-fixtures.ts';

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

/**
 * Every patch/mail input shape of test/fixtures/patches opened in the language server
 * (dist/server.js over stdio, through test/lsp's harness): the diagnostic is on the line of the
 * document that shows the offending code. `npm test` builds dist/ first.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { LspSession } from '../lsp/lsp-harness.ts';
import { PATCH_FIXTURES, fixture, lineOf } from './patch-fixtures.ts';

let session: LspSession;
before(async () => {
  session = await LspSession.start({ workspaceFolders: [] });
});
after(async () => {
  await session.stop();
});

const CASES: Array<[file: string, languageId: string, line: string | ((text: string) => number[])]> = [
  ['plain.diff', 'diff', '+\tput_page(page);'],
  ['series.mbox', 'patch-mail', '+\tput_page(page);'],
  ['reply-depth1.eml', 'patch-mail', '> +\tput_page(page);'],
  ['reply-depth2.eml', 'patch-mail', '> > +\tput_page(page);'],
  ['reply-nospace.eml', 'patch-mail', '>+\tput_page(page);'],
  ['quoted-printable.eml', 'patch-mail', '+\tput_page(page);'],
  // the 7bit attachment's + line, and the base64 one's encoded line (its - line is the evidence)
  [
    'attachments.eml',
    'patch-mail',
    (t) => [lineOf(t, '+\tput_page(page);'), lineOf(t, 'KTsKKwlwdXRfcGFnZShwYWdlKTsKIAlyZXR1cm4gMDsKIH0KIAo=')],
  ],
  // issue 10: quoted + lines with no @@ and no file header, in the languages Vim and Neovim use
  ['arrives/reply-noat-d2.eml', 'mail', '> > +\tput_page(page);'],
  ['arrives/reply-fileheader-d3.eml', 'gitsendemail', '> > > +\tput_page(page);'],
  ['arrives/unpin-to-put.diff', 'patch', '+\t\tput_page(xb->pages[i]);'],
  ['arrives/unpin-to-put.diff', 'diff', '+\t\tput_page(xb->pages[i]);'],
  ['arrives/reply-unpin-to-put.eml', 'git', '> > +\t\tput_page(xb->pages[i]);'],
];

for (const [file, languageId, expected] of CASES) {
  test(`${file} as ${languageId}: wrong-release on the line showing put_page()`, async () => {
    const text = fixture(file);
    const uri = pathToFileURL(path.join(PATCH_FIXTURES, 'opened', file)).href;
    session.open(uri, text, languageId);
    const diags = (await session.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
    const lines = typeof expected === 'string' ? [lineOf(text, expected)] : expected(text);
    assert.deepEqual(
      diags.map((d) => d.range.start.line),
      lines,
    );
    if (typeof expected === 'string')
      assert.equal(diags[0]!.range.start.character, text.split('\n')[lines[0]!]!.indexOf('put_page'));
    session.close(uri);
  });
}

test('CRLF patch in the server: the same line and column', async () => {
  const text = fixture('plain.diff').replace(/\n/g, '\r\n');
  const uri = pathToFileURL(path.join(PATCH_FIXTURES, 'opened', 'crlf.diff')).href;
  session.open(uri, text, 'diff');
  const diags = (await session.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
  assert.deepEqual(
    diags.map((d) => [d.range.start.line, d.range.start.character]),
    [[lineOf(text, '+\tput_page(page);'), 2]],
  );
  session.close(uri);
});

test('base64 mail in the server: the diagnostic covers the encoded line holding put_page()', async () => {
  const text = fixture('base64.eml');
  const uri = pathToFileURL(path.join(PATCH_FIXTURES, 'opened', 'base64.eml')).href;
  session.open(uri, text, 'patch-mail');
  const diags = (await session.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
  assert.equal(diags.length, 1);
  const lines = text.split('\n');
  const { line, character } = diags[0]!.range.start;
  assert.equal(character, 0);
  const upTo = (n: number) => Buffer.from(lines.slice(lines.indexOf('') + 1, n).join(''), 'base64').toString('utf8');
  assert.ok(!upTo(line).includes('+\tput_page(') && upTo(line + 1).includes('+\tput_'));
  session.close(uri);
});

test('base64 mail in the server: the status item names the model the diagnostic advises (decided once)', async () => {
  // The status decided the model again from the encoded text (no pin_user_pages visible there:
  // put_user_page) while the review decoded the body (unpin_user_page advice).
  const text = fixture('base64.eml');
  const uri = pathToFileURL(path.join(PATCH_FIXTURES, 'opened', 'status-base64.eml')).href;
  session.open(uri, text, 'patch-mail');
  const diags = (await session.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
  assert.equal(diags.length, 1);
  assert.match(String(diags[0]!.message), /use unpin_user_page\(\)/);
  const deadline = Date.now() + 5000;
  while (!session.statuses.has(uri) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const status = session.statuses.get(uri);
  assert.equal(status?.model, 'unpin_user_page', JSON.stringify(status));
  session.close(uri);
});

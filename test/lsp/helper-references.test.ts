/**
 * References on a release inside a release helper, over stdio, on a module of our own
 * (helper-shared-by-callers): zring_drop_pages() in zring.c put_page()s what it is given, and is
 * called by zring.c's own get_user_pages_fast() caller and by zring_pin.c's pin caller, which is
 * not open (it is read from disk, as the workspace index holds it). The helper's put_page()
 * lists both acquisitions and the two calls that hand them over, as `trace` does on that line.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver-protocol';
import { LspSession, positionOfText, ROOT } from './lsp-harness.ts';

const MODULE = path.join(ROOT, 'test', 'fixtures', 'modules', 'helper-shared-by-callers');
let dir: string;
let s: LspSession;
const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).href;
const where = (l: Location) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line + 1}`;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-helper-refs-'));
  for (const f of fs.readdirSync(MODULE)) fs.copyFileSync(path.join(MODULE, f), path.join(dir, f));
  s = await LspSession.start({ workspaceFolders: [pathToFileURL(dir).href] });
  s.open(uriOf('zring.c'), fs.readFileSync(path.join(dir, 'zring.c'), 'utf8'));
  await s.diagnosticsFor(uriOf('zring.c'), 15_000);
});
after(async () => {
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const referencesAt = async (needle: string, includeDeclaration: boolean) => {
  const uri = uriOf('zring.c');
  return ((await s.conn.sendRequest('textDocument/references', {
    textDocument: { uri },
    position: positionOfText(s.text(uri), needle, 2),
    context: { includeDeclaration },
  })) ?? []) as Location[];
};

test("references on a helper's put_page(): the acquisitions whose pages are passed to it, in this file and an unopened one", async () => {
  // The workspace index is built in the background: ask until it holds zring_pin.c.
  let got: Location[] = [];
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    got = await referencesAt('put_page(pages[i])', true);
    if (got.length >= 5) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(got.map(where), ['zring.c:20', 'zring.c:31', 'zring.c:36', 'zring_pin.c:14', 'zring_pin.c:19']);
  const without = await referencesAt('put_page(pages[i])', false);
  assert.deepEqual(without.map(where), ['zring.c:31', 'zring.c:36', 'zring_pin.c:14', 'zring_pin.c:19']);
});

test('a line of the helper that releases nothing has no references', async () => {
  assert.deepEqual(await referencesAt('for (i = 0', true), []);
});

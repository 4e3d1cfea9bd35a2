/**
 * "Where do these pages go" over stdio, on a module of our own (pin into dev->pages in main.c,
 * put_page() of them in reset.c): references on the acquisition list the releases in both
 * files; on the release in reset.c, the acquisition in main.c; the code lens above the
 * acquisition says what the diagnostics say, and its command shows the trail.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Location } from 'vscode-languageserver-protocol';
import { LspSession, positionOfText, ROOT, waitFor } from './lsp-harness.ts';

const MODULE = path.join(ROOT, 'test', 'fixtures', 'modules', 'pin-field-teardown');
let dir: string;
let s: LspSession;
const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).href;
const where = (l: Location) => `${path.basename(new URL(l.uri).pathname)}:${l.range.start.line + 1}`;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-where-'));
  for (const f of fs.readdirSync(MODULE)) fs.copyFileSync(path.join(MODULE, f), path.join(dir, f));
  s = await LspSession.start({ workspaceFolders: [pathToFileURL(dir).href] });
  for (const f of ['main.c', 'reset.c']) s.open(uriOf(f), fs.readFileSync(path.join(dir, f), 'utf8'));
  // The index has main.c's pin once reset.c shows the squiggle.
  await waitFor(
    () => s.diagnostics.get(uriOf('reset.c'))?.diagnostics.some((d) => d.code === 'wrong-release'),
    15_000,
    'reset.c squiggle',
  );
});
after(async () => {
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('references on the acquisition: its releases in main.c and reset.c', async () => {
  const uri = uriOf('main.c');
  const got = (await s.conn.sendRequest('textDocument/references', {
    textDocument: { uri },
    position: positionOfText(s.text(uri), 'pin_user_pages_fast', 3),
    context: { includeDeclaration: true },
  })) as Location[];
  assert.deepEqual(got.map(where), ['main.c:14', 'main.c:17', 'reset.c:11']);
});

test("references on the put_page() in reset.c: the acquisition in main.c, and the field's other releases", async () => {
  const uri = uriOf('reset.c');
  const got = (await s.conn.sendRequest('textDocument/references', {
    textDocument: { uri },
    position: positionOfText(s.text(uri), 'put_page', 2),
    context: { includeDeclaration: true },
  })) as Location[];
  assert.deepEqual(got.map(where), ['main.c:14', 'reset.c:11', 'main.c:17']);
});

test('the code lens above the acquisition says pinned · 2 releases · 1 wrong, and shows the trail', async () => {
  const uri = uriOf('main.c');
  const lenses = (await s.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0]!.range.start.line, 13);
  assert.match(lenses[0]!.command!.title, /^pinned · 2 releases · 1 wrong/);
  const shown = (await s.conn.sendRequest('workspace/executeCommand', {
    command: lenses[0]!.command!.command,
    arguments: lenses[0]!.command!.arguments,
  })) as string;
  assert.match(shown, /reset\.c:11 put_page\(\) in demo_reset\(\): WRONG/);
  assert.ok(s.notifications.some((n) => n.method === 'window/showMessage'));
});

test('gupReview/inventory: the workspace sites (the GUP sites view) and the HTML report', async () => {
  const got = (await s.conn.sendRequest('gupReview/inventory', { format: 'sites' })) as {
    sites: Array<{ path: string; line: number; status: string; summary: string; family: string }>;
  };
  assert.deepEqual(
    got.sites.map((x) => `${x.path}:${x.line} ${x.family} ${x.status}`),
    ['main.c:14 pin finding'],
  );
  assert.match(got.sites[0]!.summary, /^pinned · 2 releases · 1 wrong/);
  const html = (await s.conn.sendRequest('gupReview/inventory', { format: 'html' })) as { html: string };
  assert.equal((html.html.match(/<svg /g) ?? []).length, 2);
  assert.match(html.html, /main\.c:14/);
});

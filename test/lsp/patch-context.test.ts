/**
 * A patch opened in a workspace that holds the patched file is applied to that file, so a hunk
 * whose context does not show the acquisition is still reviewed with the whole function.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fixture, LspSession } from './lsp-harness.ts';

const dirs: string[] = [];
const sessions: LspSession[] = [];
after(async () => {
  for (const s of sessions) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// The fixed file in the tree; the patch turns its unpin back into put_page (3 lines of context).
const FIXED = fixture('pin-one-put-page.c').replace('\tput_page(page);\n', '\tunpin_user_page(page);\n');
const lines = FIXED.split('\n');
const at = lines.indexOf('\tunpin_user_page(page);');
const PATCH = [
  'diff --git a/drivers/misc/demo.c b/drivers/misc/demo.c',
  '--- a/drivers/misc/demo.c',
  '+++ b/drivers/misc/demo.c',
  `@@ -${at - 2},5 +${at - 2},5 @@`,
  ...lines.slice(at - 3, at).map((l) => ` ${l}`),
  '-\tunpin_user_page(page);',
  '+\tput_page(page);',
  ` ${lines[at + 1]}`,
  '',
].join('\n');

async function reviewIn(workspace: string | undefined): Promise<Array<{ code: string; message: string }>> {
  const s = await LspSession.start({ workspaceFolders: workspace ? [pathToFileURL(workspace).href] : [] });
  sessions.push(s);
  const uri = pathToFileURL(path.join(workspace ?? os.tmpdir(), 'review', 'demo.patch')).href;
  s.open(uri, PATCH, 'diff');
  return (await s.diagnosticsFor(uri)).map((d) => ({
    code: String(d.code),
    message: typeof d.message === 'string' ? d.message : d.message.value,
  }));
}

test('the hunk alone does not show the pin but its - line does; applied to the workspace file the pin is seen', async () => {
  assert.ok(!PATCH.includes('pin_user_pages_fast'), 'the acquisition is outside the hunk');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-patch-'));
  dirs.push(ws);
  fs.mkdirSync(path.join(ws, 'drivers', 'misc'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'drivers', 'misc', 'demo.c'), FIXED);
  const withTree = await reviewIn(ws);
  assert.deepEqual(
    withTree.map((d) => d.code),
    ['wrong-release'],
  );
  assert.match(withTree[0]!.message, /pinned by pin_user_pages_fast\(\)/, 'with the workspace file: the acquisition');
  // without it, the patch's own evidence (issue 10): the removed unpin_user_page() says the page is pinned
  const alone = await reviewIn(undefined);
  assert.deepEqual(
    alone.map((d) => d.code),
    ['wrong-release'],
  );
  assert.match(alone[0]!.message, /^the patch replaces unpin_user_page\(\) \(line \d+\) with put_page\(\)/);
});

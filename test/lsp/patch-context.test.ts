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

async function reviewIn(workspace: string | undefined): Promise<string[]> {
  const s = await LspSession.start({ workspaceFolders: workspace ? [pathToFileURL(workspace).href] : [] });
  sessions.push(s);
  const uri = pathToFileURL(path.join(workspace ?? os.tmpdir(), 'review', 'demo.patch')).href;
  s.open(uri, PATCH, 'diff');
  return (await s.diagnosticsFor(uri)).map((d) => String(d.code));
}

test('the hunk alone does not show the pin; applied to the workspace file it does', async () => {
  assert.ok(!PATCH.includes('pin_user_pages_fast'), 'the acquisition is outside the hunk');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-patch-'));
  dirs.push(ws);
  fs.mkdirSync(path.join(ws, 'drivers', 'misc'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'drivers', 'misc', 'demo.c'), FIXED);
  const withTree = await reviewIn(ws);
  assert.ok(withTree.includes('wrong-release'), `with the workspace file: ${withTree.join(', ')}`);
  const alone = await reviewIn(undefined);
  assert.ok(!alone.includes('wrong-release'), `without it nothing can be said: ${alone.join(', ')}`);
});

/**
 * The workspace ownership index over stdio: opening only the teardown file of a module shows the
 * wrong-release of pages pinned in another file (indexed in the background from disk, with
 * progress and a log line); an edit of the pinning file, open in the editor, changes the
 * teardown's diagnostics from memory; a change on disk (didChangeWatchedFiles) does too.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspSession, ROOT, waitFor } from './lsp-harness.ts';

const MODULE = path.join(ROOT, 'test', 'fixtures', 'modules', 'pin-field-teardown');
let dir: string;
let s: LspSession;
const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).href;
const wrong = (uri: string) => (s.diagnostics.get(uri)?.diagnostics ?? []).filter((d) => d.code === 'wrong-release');

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-index-'));
  for (const f of fs.readdirSync(MODULE)) fs.copyFileSync(path.join(MODULE, f), path.join(dir, f));
  s = await LspSession.start({
    workspaceFolders: [pathToFileURL(dir).href],
    capabilities: { window: { workDoneProgress: true } },
  });
});
after(async () => {
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('opening only reset.c shows the put_page() of pages pinned in main.c', async () => {
  s.open(uriOf('reset.c'), fs.readFileSync(path.join(dir, 'reset.c'), 'utf8'));
  const [d] = await waitFor(() => wrong(uriOf('reset.c')).length > 0 && wrong(uriOf('reset.c')), 15_000, 'squiggle');
  assert.equal(d!.range.start.line, 10);
  assert.match(String(d!.message), /main\.c:14 in demo_pin_buffer\(\)/);
  assert.equal(d!.relatedInformation?.[0]?.location.uri, uriOf('main.c'));
  // The build's log line comes when the index process has exited (the facts may arrive first).
  await waitFor(() => s.logs.some((l) => /indexed \d+ of \d+ C files/.test(l)) || undefined, 10_000, 'index log line');
  const titles = s.notifications
    .filter((n) => n.method === '$/progress')
    .map((n) => (n.params as { value: { title?: string } }).value.title)
    .filter(Boolean);
  assert.ok(titles.includes('gup-review: indexing workspace'), JSON.stringify(titles));
});

test('an edit of the open main.c (unsaved) changes what reset.c shows', async () => {
  const main = uriOf('main.c');
  s.open(main, fs.readFileSync(path.join(dir, 'main.c'), 'utf8'));
  await s.diagnosticsFor(main);
  // The buffer now takes references (get_user_pages_fast): put_page() is right for them upstream.
  s.replace(
    main,
    'pin_user_pages_fast(uaddr, npages, FOLL_WRITE | FOLL_LONGTERM, dev->pages)',
    'get_user_pages_fast(uaddr, npages, FOLL_WRITE, dev->pages)',
  );
  s.replace(main, 'unpin_user_pages(dev->pages, ret);', 'release_pages(dev->pages, ret);');
  await waitFor(() => wrong(uriOf('reset.c')).length === 0 || undefined, 10_000, 'squiggle gone');
  // Closed without saving: the file on disk (pinning) speaks again.
  s.close(main);
  await waitFor(() => wrong(uriOf('reset.c')).length === 1 || undefined, 10_000, 'squiggle back');
});

test('a change on disk reaches the index through didChangeWatchedFiles', async () => {
  const file = path.join(dir, 'main.c');
  const pinning = fs.readFileSync(file, 'utf8');
  const changed = (type: number) =>
    s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('main.c'), type }] });
  fs.writeFileSync(
    file,
    pinning.replace('pin_user_pages_fast', 'get_user_pages_fast').replace('unpin_user_pages(', 'release_pages('),
  );
  await changed(2);
  await waitFor(() => wrong(uriOf('reset.c')).length === 0 || undefined, 10_000, 'squiggle gone after the save');
  fs.writeFileSync(file, pinning);
  await changed(2);
  await waitFor(() => wrong(uriOf('reset.c')).length === 1 || undefined, 10_000, 'squiggle back');
  // With the acquisition gone, nothing says what the field holds: quiet.
  fs.rmSync(file);
  await changed(3);
  await waitFor(() => wrong(uriOf('reset.c')).length === 0 || undefined, 10_000, 'squiggle gone after the delete');
});

test('Check Workspace reports the closed teardown file through the index', async () => {
  const file = path.join(dir, 'main.c');
  fs.copyFileSync(path.join(MODULE, 'main.c'), file);
  await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('main.c'), type: 1 }] });
  s.close(uriOf('reset.c'));
  await waitFor(() => wrong(uriOf('reset.c')).length === 0 || undefined, 10_000, 'closed: cleared');
  await new Promise((r) => setTimeout(r, 200));
  await s.conn.sendRequest('gupReview/checkWorkspace', {});
  const got = await waitFor(() => wrong(uriOf('reset.c')).length > 0 && wrong(uriOf('reset.c')), 10_000, 'checked');
  assert.equal(got[0]!.relatedInformation?.[0]?.location.uri, uriOf('main.c'));
});

test("opening only map.c shows the wrong release inside util.c's extern helper", async () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-helper-'));
  const from = path.join(ROOT, 'test', 'fixtures', 'modules', 'helper-in-other-file');
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(other, f));
  const t = await LspSession.start({ workspaceFolders: [pathToFileURL(other).href] });
  try {
    const uri = pathToFileURL(path.join(other, 'map.c')).href;
    t.open(uri, fs.readFileSync(path.join(other, 'map.c'), 'utf8'));
    const [d] = await waitFor(
      () => {
        const got = (t.diagnostics.get(uri)?.diagnostics ?? []).filter((x) => x.code === 'wrong-release');
        return got.length > 0 && got;
      },
      15_000,
      'helper squiggle',
    );
    assert.equal(d!.range.start.line, 19);
    assert.match(String(d!.message), /xbuf_put_pages\(\) releases them with put_page\(\) \(.*util\.c:10\)/);
    assert.ok(d!.relatedInformation?.some((r) => r.location.uri.endsWith('/util.c')));
  } finally {
    await t.stop();
    fs.rmSync(other, { recursive: true, force: true });
  }
});

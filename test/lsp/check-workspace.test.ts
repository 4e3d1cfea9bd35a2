/**
 * gupReview/checkWorkspace over stdio: every .c and .h of the workspace folders is analysed and its
 * findings published (open documents keep their live diagnostics), progress is reported, and the
 * request stops when cancelled.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-languageserver-protocol';
import { fixture, LspSession, waitFor } from './lsp-harness.ts';

let dir: string;
let s: LspSession;
const uriOf = (f: string) => pathToFileURL(path.join(dir, f)).href;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-ws-'));
  fs.mkdirSync(path.join(dir, 'drivers', 'misc'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'drivers', 'misc', 'pin.c'), fixture('pin-one-put-page.c'));
  fs.writeFileSync(path.join(dir, 'drivers', 'misc', 'loop.c'), fixture('pin-loop.c'));
  fs.writeFileSync(path.join(dir, 'drivers', 'misc', 'plain.c'), 'int demo_plain(void)\n{\n\treturn 0;\n}\n');
  fs.writeFileSync(path.join(dir, 'drivers', 'misc', 'notes.txt'), 'put_page(page) after pin_user_pages_fast\n');
  fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'skip.c'), fixture('pin-one-put-page.c'));
  fs.writeFileSync(path.join(dir, 'open.c'), fixture('gup-put-page.c'));
  // Headers are sources too (static inline helpers pin and release), and a directory link back up
  // is a loop the walker ends (the CLI's walker: .c only and no links before).
  fs.mkdirSync(path.join(dir, 'include'));
  fs.writeFileSync(
    path.join(dir, 'include', 'pin-inline.h'),
    fixture('pin-one-put-page.c').replace(/^static int/m, 'static inline int'),
  );
  fs.symlinkSync('..', path.join(dir, 'include', 'up'));
  s = await LspSession.start({ workspaceFolders: [pathToFileURL(dir).href] });
});
after(async () => {
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('checks every C file of the workspace and publishes findings for the closed ones', async () => {
  // An open document with unsaved edits keeps its live diagnostics.
  const openText = fixture('gup-put-page.c').replace('\tput_page(page);\n', '\tput_user_page(page);\n');
  s.open(uriOf('open.c'), openText);
  const live = await s.diagnosticsFor(uriOf('open.c'));
  assert.equal(live.filter((d) => d.code === 'wrong-release').length, 0);
  const result = (await s.conn.sendRequest('gupReview/checkWorkspace', {})) as Record<string, unknown>;
  assert.equal(result.filesChecked, 5, JSON.stringify(result));
  assert.equal(result.cancelled, false);
  assert.ok((result.findingCount as number) >= 2);
  const pin = await waitFor(() => s.diagnostics.get(uriOf('drivers/misc/pin.c')), 5000, 'pin.c diagnostics');
  assert.equal(pin.diagnostics.filter((d) => d.code === 'wrong-release').length, 1);
  assert.equal(pin.diagnostics[0]!.source, 'gup-review');
  assert.equal(s.diagnostics.get(uriOf('node_modules/x/skip.c')), undefined, 'node_modules skipped');
  assert.equal(s.diagnostics.get(uriOf('drivers/misc/plain.c')), undefined, 'nothing to say about plain.c');
  assert.equal(
    s.diagnostics.get(uriOf('open.c'))!.version,
    s.version(uriOf('open.c')),
    'open document not overwritten',
  );
  assert.equal(s.diagnostics.get(uriOf('open.c'))!.diagnostics.filter((d) => d.code === 'wrong-release').length, 0);
  const progress = s.notifications
    .filter((n) => n.method === 'gupReview/checkWorkspaceProgress')
    .map((n) => n.params as { done: number; total: number });
  assert.deepEqual(progress.at(-1), { done: 5, total: 5 });
  const header = await waitFor(() => s.diagnostics.get(uriOf('include/pin-inline.h')), 5000, 'header diagnostics');
  assert.equal(header.diagnostics.filter((d) => d.code === 'wrong-release').length, 1);
  assert.ok(progress.length >= 5);
});

test('a fixed file loses its checked diagnostics on the next check', async () => {
  const file = path.join(dir, 'drivers', 'misc', 'pin.c');
  fs.writeFileSync(file, fixture('pin-one-put-page.c').replace('\tput_page(page);\n', '\tunpin_user_page(page);\n'));
  await s.conn.sendRequest('gupReview/checkWorkspace', {});
  await waitFor(
    () =>
      s.diagnostics.get(uriOf('drivers/misc/pin.c'))?.diagnostics.every((d) => d.code !== 'wrong-release') || undefined,
    5000,
    'cleared',
  );
});

test('cancelling stops the check between files', async () => {
  const many = path.join(dir, 'many');
  fs.mkdirSync(many);
  for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(many, `f${i}.c`), fixture('pin-one-put-page.c'));
  s.notifications.length = 0;
  const source = new CancellationTokenSource();
  const request = s.conn.sendRequest('gupReview/checkWorkspace', {}, source.token);
  await waitFor(
    () => s.notifications.some((n) => n.method === 'gupReview/checkWorkspaceProgress'),
    10_000,
    'first progress',
  );
  source.cancel();
  await assert.rejects(request, (err: { code?: number }) => err.code === -32800);
  const last = await waitFor(
    () => {
      const p = s.notifications.at(-1)?.params as { done: number; total: number; file?: string } | undefined;
      return p && p.file === undefined ? p : undefined;
    },
    10_000,
    'final progress',
  );
  assert.equal(last.total, 305);
  assert.ok(last.done < last.total, `stopped early: ${JSON.stringify(last)}`);
  // The server still answers.
  assert.ok(await s.conn.sendRequest('gupReview/decode', { text: '1025' }));
});

test('a folder that does not exist is reported, not fatal', async () => {
  const r = (await s.conn.sendRequest('gupReview/checkWorkspace', {
    folders: [pathToFileURL(path.join(dir, 'nope')).href],
  })) as { problems: string[]; filesChecked: number };
  assert.equal(r.filesChecked, 0);
  assert.match(r.problems[0]!, /no such folder/);
});

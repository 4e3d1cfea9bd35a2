/**
 * The server process over stdio: initialize and its capabilities, command-line mistakes, a failing
 * handler that answers an error while the server carries on, cancellation, shutdown.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture, LspSession, positionOfText, SERVER, waitFor } from './lsp-harness.ts';

let s: LspSession;
before(async () => {
  s = await LspSession.start();
});
after(async () => {
  await s.stop();
});

test('initialize declares incremental sync, hover, highlights and the code action kinds', () => {
  const caps = s.initializeResult!.capabilities;
  assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
  assert.equal(caps.hoverProvider, true);
  assert.equal(caps.documentHighlightProvider, true);
  assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, [
    'quickfix',
    'source.fixAll.gupReview',
  ]);
  assert.equal(s.initializeResult!.serverInfo?.name, 'gup-review');
});

test('bad command lines get one clear line and exit 2; --version and --help work', () => {
  const none = spawnSync(process.execPath, [SERVER], { encoding: 'utf8' });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^gup-review-server: choose a transport/);
  assert.ok(!none.stderr.includes('    at '), 'no stack trace');
  const bad = spawnSync(process.execPath, [SERVER, '--stdio', '--frobnicate'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown argument: --frobnicate/);
  const version = spawnSync(process.execPath, [SERVER, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const help = spawnSync(process.execPath, [SERVER, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--stdio/);
});

test('a malformed request gets an error response and the server keeps serving', async () => {
  const text = fixture('pin-one-put-page.c');
  const uri = 'file:///tmp/lifecycle/a.c';
  s.open(uri, text);
  await assert.rejects(
    s.conn.sendRequest('textDocument/hover', { position: { line: 0, character: 0 } }),
    (err: { code?: number; message?: string }) => {
      assert.equal(err.code, -32603);
      assert.match(err.message ?? '', /hover failed/);
      return true;
    },
  );
  await assert.rejects(
    s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: null, context: null }),
  );
  await assert.rejects(s.conn.sendRequest('gupReview/decode', {}), /decode needs/);
  // Positions far beyond the document are not an error: nothing to show.
  assert.equal(
    await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 100000, character: 5 } }),
    null,
  );
  assert.equal(
    await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 100000 } }),
    null,
  );
  assert.equal(
    await s.conn.sendRequest('textDocument/documentHighlight', {
      textDocument: { uri },
      position: { line: 100000, character: 0 },
    }),
    null,
  );
  // Unknown document: null, not an error.
  assert.equal(
    await s.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///nope.c' },
      position: { line: 0, character: 0 },
    }),
    null,
  );
  // Still alive and answering.
  const h = await s.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: positionOfText(text, '3 * GUP'),
  });
  assert.ok(h, 'hover still works');
  assert.equal(s.exited, null);
});

test('a bad refcount given to the decode request is a clear InvalidParams error', async () => {
  await assert.rejects(
    s.conn.sendRequest('gupReview/decode', { text: 'banana' }),
    (err: { code?: number; message?: string }) => {
      assert.equal(err.code, -32602);
      assert.match(err.message ?? '', /cannot decode "banana"/);
      return true;
    },
  );
  const ok = (await s.conn.sendRequest('gupReview/decode', { text: '0x00C00003' })) as {
    summary: string;
    markdown: string;
  };
  assert.match(ok.summary, /12,288 pins, 3 refs/);
  assert.match(ok.markdown, /\| pins \| 12,288/);
});

test('a server without its grammar keeps running and says why in the status', async () => {
  // dist/server.js copied alone: no .wasm next to it and no node_modules to fall back on.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-nowasm-'));
  const server = path.join(dir, 'server.js');
  fs.copyFileSync(SERVER, server);
  const broken = await LspSession.start({ server });
  try {
    const uri = 'file:///tmp/nowasm/a.c';
    broken.open(uri, fixture('pin-one-put-page.c'));
    const status = await waitFor(() => broken.statuses.get(uri), 10_000, 'status with the failure');
    assert.match((status.problems as string[])[0]!, /^analysis failed: /);
    broken.open('file:///tmp/nowasm/d.log', 'page:0 refcount:1025 mapcount:0\n', 'log');
    const h = (await broken.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: 'file:///tmp/nowasm/d.log' },
      position: { line: 0, character: 10 },
    })) as { contents: { value: string } } | null;
    assert.match(h!.contents.value, /1 pin, 1 ref/, 'log hovers need no grammar');
    assert.equal(broken.exited, null);
    assert.ok(broken.logs.some((l) => /cannot load the C grammar|analysis of .* failed/.test(l)));
  } finally {
    await broken.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('shutdown then exit ends the process with code 0', async () => {
  const other = await LspSession.start();
  await other.stop();
  assert.equal(other.exited, 0);
});

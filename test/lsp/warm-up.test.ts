/**
 * The server's warm-up (lsp/warm-up.ts): it types into a document of its own through the same
 * incremental path as a user's keystrokes, then frees it; nothing of it reaches the client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCParser } from '../../server/src/core/parser.ts';
import { KEYSTROKES, warmUp } from '../../server/src/lsp/warm-up.ts';
import { fixture, LspSession } from './lsp-harness.ts';

test('the warm-up analyses every keystroke it types, each through the plain incremental parse', async () => {
  const parser = await createCParser();
  const report = await warmUp(parser);
  assert.equal(report.analyses, KEYSTROKES);
  // Its text is error-free kernel C: every keystroke after the first analysis is incremental.
  assert.equal(report.plainParses, KEYSTROKES - 1);
  assert.deepEqual(await warmUp(parser, () => true), { analyses: 0, plainParses: 0 });
  parser.delete();
});

test('a server that warmed up publishes diagnostics for the documents opened, nothing else', async () => {
  const s = await LspSession.start();
  const text = fixture('pin-one-put-page.c');
  const uri = 'file:///tmp/warm-up/pin-one.c';
  // Let the warm-up run to its end before and while the document is analysed.
  await new Promise((r) => setTimeout(r, 600));
  s.open(uri, text);
  const diagnostics = await s.diagnosticsFor(uri, 10_000);
  assert.ok(
    diagnostics.some((d) => d.code === 'wrong-release'),
    'the document is analysed as usual',
  );
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual([...s.diagnostics.keys()], [uri]);
  await s.stop();
});

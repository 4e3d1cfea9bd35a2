/**
 * Hostile inputs and faults for the language server (`node dist/server.js --stdio`): NUL bytes,
 * lone surrogates, a file over gupReview.maxFileSize, an analysis over gupReview.analysisTimeBudget,
 * 10,000 nested braces, malformed params to every request handler and notification, and a
 * workspace check over hostile files. Each is answered (an error response, or a status message)
 * and the server keeps serving.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-languageserver-protocol';
import { LspSession, waitFor } from '../lsp/lsp-harness.ts';
import { WRONG_RELEASE_C } from './cli-support.ts';

const NESTED_BRACES = `static int demo_nest(struct page **pages)\n{\n\tlong ret = pin_user_pages(0, 1, 0, pages, NULL);\n${'{'.repeat(10_000)}put_page(pages[0]);${'}'.repeat(10_000)}\n\treturn ret;\n}\n`;

/** Many small functions with a wrong release each: an analysis that takes some milliseconds. */
function manyFunctions(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++)
    out += WRONG_RELEASE_C.replace('demo_touch_user_page', `demo_touch_${i}`).replace(
      '// SPDX-License-Identifier: GPL-2.0\n#include <linux/mm.h>\n',
      '',
    );
  return out;
}

let seq = 0;
const uri = (name: string) => `file:///gup-review-hostile/${seq++}-${name}`;

/** The server still answers: a fresh document gets its wrong-release. */
async function stillServes(s: LspSession): Promise<void> {
  const u = uri('probe.c');
  s.open(u, WRONG_RELEASE_C);
  const d = await s.diagnosticsFor(u);
  assert.equal(d.filter((x) => x.code === 'wrong-release').length, 1, 'the server still analyses');
  s.close(u);
  assert.equal(s.exited, null, `server exited: ${s.stderr}`);
}

async function status(
  s: LspSession,
  u: string,
  version: number,
): Promise<{ problems: string[]; findingCount: number }> {
  return waitFor(
    () => {
      const st = s.statuses.get(u) as { version: number; problems: string[]; findingCount: number } | undefined;
      return st && st.version === version ? st : undefined;
    },
    10_000,
    `status of ${u} v${version}`,
  );
}

describe('language server under hostile input', () => {
  let s: LspSession;
  before(async () => {
    s = await LspSession.start();
  });
  after(async () => {
    await s.stop();
  });

  it('NUL bytes, lone surrogates, control characters and CRLF are analysed like any text', async () => {
    const u = uri('odd.c');
    const text = `\u0000\ud800 \udc00\u0007\r\n${WRONG_RELEASE_C.replace(/\n/g, '\r\n')}\u0000`;
    s.open(u, text);
    const d = await s.diagnosticsFor(u);
    assert.equal(d.filter((x) => x.code === 'wrong-release').length, 1);
    assert.equal(d[0]!.range.start.line, 12, 'lines counted with CRLF');
    await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 0, character: 1 } });
    await stillServes(s);
  });

  it('a file over gupReview.maxFileSize is not analysed, and the status says so', async () => {
    s.settings = { maxFileSize: 0.01 }; // 10 KB
    const u = uri('big.c');
    s.open(u, WRONG_RELEASE_C + `/* ${'x'.repeat(20_000)} */\n`);
    const d = await s.diagnosticsFor(u);
    assert.deepEqual(d, []);
    const st = await status(s, u, 1);
    assert.ok(
      st.problems.some((p) => /not analysed: the file is 0\.0 MB, over gupReview\.maxFileSize \(0\.01 MB\)/.test(p)),
      st.problems.join('; '),
    );
    // Under the limit again: analysed.
    s.replace(u, `/* ${'x'.repeat(20_000)} */\n`, '');
    const d2 = await s.diagnosticsFor(u);
    assert.equal(d2.filter((x) => x.code === 'wrong-release').length, 1);
    s.close(u);
    s.settings = {};
    await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  });

  it('an analysis over gupReview.analysisTimeBudget pauses analysis of that file, with a message, until the settings change', async () => {
    s.settings = { analysisTimeBudget: 0.001 };
    await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const u = uri('slow.c');
    s.open(u, manyFunctions(40));
    const first = await s.diagnosticsFor(u);
    assert.equal(
      first.filter((x) => x.code === 'wrong-release').length,
      40,
      'the slow analysis still publishes its findings',
    );
    assert.ok((await status(s, u, 1)).problems.some((p) => /over gupReview\.analysisTimeBudget \(0\.001 ms\)/.test(p)));
    s.insertAt(u, 'put_page(page);', '\n', true);
    // Paused: not analysed again; the last diagnostics stay, marked stale.
    const kept = await s.diagnosticsFor(u);
    assert.equal(kept.length, first.length, 'the last diagnostics are kept');
    assert.ok(kept.every((d) => /\(stale: found in version 1, not analysed since\)$/.test(String(d.message))));
    assert.ok((await status(s, u, 2)).problems.some((p) => /not analysed again while it is edited/.test(p)));
    // Requests on the paused document still answer.
    await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 3, character: 2 } });
    s.settings = {};
    await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await waitFor(
      () => {
        const ds = s.diagnostics.get(u)?.diagnostics ?? [];
        return (ds.length === 40 && ds.every((d) => !/stale/.test(String(d.message)))) || undefined;
      },
      10_000,
      'analysed again after the settings change',
    );
    s.close(u);
  });

  it('10,000 nested braces: that function is skipped alone, the status says so, the server carries on', async () => {
    const u = uri('braces.c');
    s.open(u, NESTED_BRACES);
    const st = await status(s, u, 1);
    assert.ok(
      st.problems.some((p) => /demo_nest\(\) at line 1 not analysed: nesting too deep/.test(p)),
      st.problems.join('; '),
    );
    await stillServes(s);
    s.close(u);
  });

  it('patches and mails: cut short, wrong hunk counts, NUL bytes, a 1,000-message mbox', async () => {
    const hunk = `diff --git a/drivers/demo/demo.c b/drivers/demo/demo.c\n--- a/drivers/demo/demo.c\n+++ b/drivers/demo/demo.c\n@@ -10,7 +10,7 @@ static int demo_pin(struct page **pages)\n \tlong ret;\n \n \tret = pin_user_pages(0, 1, 0, pages, NULL);\n-\tunpin_user_page(pages[0]);\n+\tput_page(pages[0]);\n \treturn ret;\n }\n \n`;
    const docs: Array<[string, string, string]> = [
      ['cut.patch', 'diff', hunk.slice(0, hunk.indexOf('+\tput_page') + 6)],
      ['counts.patch', 'diff', hunk.replace('@@ -10,7 +10,7 @@', '@@ -10,70 +10,9 @@')],
      ['nul.patch', 'diff', hunk.replace('long ret;', 'long\u0000ret;')],
      [
        'series.mbox',
        'patch-mail',
        Array.from(
          { length: 1000 },
          (_, i) =>
            `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@example.org>\nSubject: [PATCH ${i + 1}/1000] demo\n\n---\n${hunk}--\n2.40.0\n\n`,
        ).join(''),
      ],
    ];
    for (const [name, languageId, text] of docs) {
      const u = uri(name);
      s.open(u, text, languageId);
      const d = await s.diagnosticsFor(u, 30_000);
      if (name === 'counts.patch' || name === 'series.mbox')
        assert.ok(
          d.some((x) => x.code === 'wrong-release'),
          `${name}: ${JSON.stringify(d).slice(0, 300)}`,
        );
      s.close(u);
    }
    await stillServes(s);
  });

  it('malformed params to every request handler get an error response, and the server keeps serving', async () => {
    const u = uri('m.c');
    s.open(u, WRONG_RELEASE_C);
    await s.diagnosticsFor(u);
    const bad: Array<[string, unknown]> = [
      ['textDocument/hover', { textDocument: { uri: u }, position: null }],
      ['textDocument/codeAction', { textDocument: { uri: u }, range: null, context: null }],
      ['textDocument/documentHighlight', { textDocument: { uri: u }, position: null }],
      ['gupReview/getStatus', null],
      ['gupReview/decode', { text: 42 }],
      ['gupReview/checkWorkspace', { folders: 'not-a-list' }],
    ];
    for (const [method, params] of bad) {
      let answer: unknown;
      try {
        answer = await s.conn.sendRequest(method, params);
      } catch (e) {
        answer = e;
      }
      const code = (answer as { code?: number } | null)?.code;
      assert.ok(
        typeof code === 'number' && code < 0,
        `${method}: expected an error response, got ${JSON.stringify(answer)}`,
      );
      // And the next good request on the same document works.
      const h = await s.conn.sendRequest('textDocument/documentHighlight', {
        textDocument: { uri: u },
        position: { line: 8, character: 9 },
      });
      assert.ok(Array.isArray(h) && h.length >= 2, `${method}: the server still answers (${JSON.stringify(h)})`);
    }
    s.close(u);
  });

  it('malformed notifications are logged, never fatal', async () => {
    const u = uri('n.c');
    s.open(u, WRONG_RELEASE_C);
    await s.diagnosticsFor(u);
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: 'file:///never-opened.c', version: 2 },
      contentChanges: [{ text: 'x' }],
    });
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: u, version: 2 },
      contentChanges: null,
    });
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: null });
    await s.conn.sendNotification('textDocument/didClose', {});
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: null });
    // A range past the end of the document is clamped, as editors expect.
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: u, version: 3 },
      contentChanges: [
        { range: { start: { line: 999, character: 0 }, end: { line: 1000, character: 5 } }, text: '\n' },
      ],
    });
    await waitFor(() => s.diagnostics.get(u)?.version === 3 || undefined, 10_000, 'diagnostics after a clamped change');
    await stillServes(s);
    s.close(u);
  });
});

describe('Check Workspace over hostile files', () => {
  let dir: string;
  let s: LspSession;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-hostile-ws-'));
    fs.writeFileSync(path.join(dir, 'a-good.c'), WRONG_RELEASE_C);
    fs.writeFileSync(path.join(dir, 'b-braces.c'), NESTED_BRACES);
    fs.writeFileSync(path.join(dir, 'c-big.c'), WRONG_RELEASE_C + `/* ${'x'.repeat(5 * 1024 * 1024)} */\n`);
    fs.symlinkSync('.', path.join(dir, 'd-loop'));
    fs.writeFileSync(path.join(dir, 'e-good.c'), WRONG_RELEASE_C);
    s = await LspSession.start({ workspaceFolders: [pathToFileURL(dir).href] });
  });
  after(async () => {
    await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a file that cannot be analysed and a file over the size limit are reported; the others are checked', async () => {
    const result = (await s.conn.sendRequest('gupReview/checkWorkspace', {})) as {
      filesWithFindings: number;
      findingCount: number;
      problems: string[];
      cancelled: boolean;
    };
    assert.equal(result.cancelled, false);
    assert.equal(result.filesWithFindings, 2, JSON.stringify(result));
    assert.ok(
      result.problems.some((p) => /b-braces\.c: demo_nest\(\) at line 1 not analysed: nesting too deep/.test(p)),
      result.problems.join('\n'),
    );
    assert.ok(
      result.problems.some((p) =>
        /c-big\.c: not analysed: the file is 5\.0 MB, over gupReview\.maxFileSize \(4 MB\)/.test(p),
      ),
      result.problems.join('\n'),
    );
    const good = s.diagnostics.get(pathToFileURL(path.join(dir, 'e-good.c')).href);
    assert.equal(good?.diagnostics.filter((d) => d.code === 'wrong-release').length, 1);
  });

  it('a check cancelled before it starts answers RequestCancelled; the next check runs to the end', async () => {
    // Changed content, so that this check analyses every file again as it did before the
    // content-hash cache (unchanged files answer from it, and a check that fast may end before
    // the cancellation arrives).
    for (const f of ['a-good.c', 'b-braces.c', 'e-good.c']) fs.appendFileSync(path.join(dir, f), '/* changed */\n');
    const source = new CancellationTokenSource();
    source.cancel();
    await assert.rejects(
      s.conn.sendRequest('gupReview/checkWorkspace', {}, source.token),
      (err: { code?: number }) => err.code === -32800,
    );
    const result = (await s.conn.sendRequest('gupReview/checkWorkspace', {})) as {
      cancelled: boolean;
      filesWithFindings: number;
    };
    assert.equal(result.cancelled, false);
    assert.equal(result.filesWithFindings, 2);
  });
});

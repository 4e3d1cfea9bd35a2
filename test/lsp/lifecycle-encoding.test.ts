/**
 * LSP conventions over stdio, for clients that are not VS Code: the lifecycle errors (-32002
 * before initialize, -32600 after shutdown), the negotiated position encoding (UTF-8 columns in
 * and out: diagnostics, changes, hovers, code action edits, highlights) and the hover's content
 * format.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, DocumentHighlight, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { fixture, LspSession, waitFor } from './lsp-harness.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

async function rejectsWith(p: Promise<unknown>, code: number, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: { code?: number; message?: string }) => {
    assert.equal(err.code, code, `error code for ${err.message}`);
    assert.match(err.message ?? '', message);
    return true;
  });
}

test('requests before initialize get ServerNotInitialized (-32002), after shutdown InvalidRequest (-32600)', async () => {
  const s = await LspSession.start({ initialize: false });
  try {
    const uri = 'file:///tmp/lifecycle-enc/a.c';
    const at = { textDocument: { uri }, position: { line: 0, character: 0 } };
    await rejectsWith(s.conn.sendRequest('textDocument/hover', at), -32002, /before initialize/);
    await rejectsWith(s.conn.sendRequest('gupReview/decode', { text: '1025' }), -32002, /before initialize/);
    await rejectsWith(s.conn.sendRequest('no/suchMethod', {}), -32002, /before initialize/);
    await rejectsWith(s.conn.sendRequest('shutdown'), -32002, /before initialize/);
    // A notification before initialize is dropped, not acted on: nothing is published for it.
    s.open(uri, fixture('pin-one-put-page.c'));
    await s.initialize();
    await rejectsWith(
      s.conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }),
      -32600,
      /already/,
    );
    // Served now; the document opened too early is unknown (hover null), a new open works.
    assert.equal(await s.conn.sendRequest('textDocument/hover', at), null);
    assert.equal(s.diagnostics.has(uri), false);
    s.open(uri, fixture('pin-one-put-page.c'));
    assert.ok((await s.diagnosticsFor(uri)).length > 0);
    await rejectsWith(s.conn.sendRequest('no/suchMethod', {}), -32601, /unhandled method/);
    await s.conn.sendRequest('shutdown');
    await rejectsWith(s.conn.sendRequest('textDocument/hover', at), -32600, /after shutdown/);
    await rejectsWith(s.conn.sendRequest('gupReview/decode', { text: '1025' }), -32600, /after shutdown/);
    await rejectsWith(s.conn.sendRequest('no/suchMethod', {}), -32600, /after shutdown/);
    await rejectsWith(s.conn.sendRequest('shutdown'), -32600, /after shutdown/);
    await s.conn.sendNotification('exit');
    await waitFor(() => s.exited !== null || undefined, 5000, 'exit');
    assert.equal(s.exited, 0, 'exit after shutdown is a clean exit');
  } finally {
    await s.stop();
  }
});

/** The fixture with non-ASCII text before the release and before a refcount literal. */
const WIDE = fixture('pin-one-put-page.c')
  .replace('\tput_page(page);', '\t/* é中😀 */ put_page(page);')
  .replace('return (1U << 10) * 2 + 0xC00003;', 'return /* ü */ 0xC00003;');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

test('position encoding: the first of general.positionEncodings the server supports, UTF-16 otherwise', async () => {
  for (const [offered, chosen] of [
    [['utf-8', 'utf-16'], 'utf-8'],
    [['utf-32'], 'utf-32'],
    [['x-unknown', 'utf-16', 'utf-8'], 'utf-16'],
    [undefined, 'utf-16'],
  ] as const) {
    const s = await LspSession.start({
      capabilities: offered ? { general: { positionEncodings: [...offered] } } : {},
    });
    try {
      assert.equal(s.initializeResult!.capabilities.positionEncoding, chosen, `offered ${String(offered)}`);
    } finally {
      await s.stop();
    }
  }
});

test('UTF-8 client: diagnostics, hover, changes, code action edits and highlights count bytes', async () => {
  const s = await LspSession.start({ capabilities: { general: { positionEncodings: ['utf-8'] } } });
  try {
    const uri = 'file:///tmp/lifecycle-enc/wide.c';
    s.open(uri, WIDE);
    const releaseLine = lineOf(WIDE, 'put_page(page)');
    const lineText = WIDE.split('\n')[releaseLine]!;
    const col16 = lineText.indexOf('put_page');
    const col8 = bytes(lineText.slice(0, col16));
    assert.notEqual(col8, col16, 'the test line has multi-byte characters before the call');
    const [wrong] = (await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
    assert.ok(wrong);
    assert.deepEqual(wrong.range.start, { line: releaseLine, character: col8 });
    assert.equal(wrong.range.end.character, col8 + 'put_page'.length);

    // Hover on the literal, addressed in bytes; its range comes back in bytes.
    const litLine = lineOf(WIDE, '0xC00003');
    const lit = WIDE.split('\n')[litLine]!;
    const lit8 = bytes(lit.slice(0, lit.indexOf('0xC00003')));
    const h = (await s.conn.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: litLine, character: lit8 + 2 },
    })) as Hover;
    assert.match((h.contents as MarkupContent).value, /12,288 pins/);
    assert.deepEqual(h.range, {
      start: { line: litLine, character: lit8 },
      end: { line: litLine, character: lit8 + '0xC00003'.length },
    });

    // The quick fix's edit is in bytes.
    const actions = (await s.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: wrong.range,
      context: { diagnostics: [wrong] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    const edit = fix.edit!.changes![uri]![0]!;
    assert.deepEqual(edit.range.start, { line: releaseLine, character: col8 });
    assert.equal(edit.newText, 'unpin_user_page');

    // Highlights on the acquisition include the release, in bytes.
    const acqLine = lineOf(WIDE, 'pin_user_pages_fast(');
    const acqCol = WIDE.split('\n')[acqLine]!.indexOf('pin_user_pages_fast');
    const highlights = (await s.conn.sendRequest('textDocument/documentHighlight', {
      textDocument: { uri },
      position: { line: acqLine, character: acqCol + 1 },
    })) as DocumentHighlight[];
    assert.ok(
      highlights.some((hl) => hl.range.start.line === releaseLine && hl.range.start.character === col8),
      JSON.stringify(highlights),
    );

    // A change addressed in bytes: replacing put_page with unpin_user_page fixes the file. Read
    // as UTF-16 columns, the same range would cut the comment instead and the finding would stay.
    const version = s.version(uri) + 1;
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [
        {
          range: { start: { line: releaseLine, character: col8 }, end: { line: releaseLine, character: col8 + 8 } },
          text: 'unpin_user_page',
        },
      ],
    });
    await waitFor(
      () => {
        const d = s.diagnostics.get(uri);
        return d && d.version === version ? d : undefined;
      },
      10_000,
      'diagnostics after the change',
    );
    assert.deepEqual(
      s.diagnostics.get(uri)!.diagnostics.map((d) => d.code),
      [],
      'the byte-addressed change replaced the call',
    );
  } finally {
    await s.stop();
  }
});

test('UTF-32 client: a column counts code points (😀 is one)', async () => {
  const s = await LspSession.start({ capabilities: { general: { positionEncodings: ['utf-32'] } } });
  try {
    const uri = 'file:///tmp/lifecycle-enc/wide32.c';
    s.open(uri, WIDE);
    const releaseLine = lineOf(WIDE, 'put_page(page)');
    const lineText = WIDE.split('\n')[releaseLine]!;
    const points = [...lineText.slice(0, lineText.indexOf('put_page'))].length;
    const [wrong] = (await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
    assert.equal(wrong!.range.start.character, points);
    assert.equal(points, lineText.indexOf('put_page') - 1, 'one surrogate pair before the call');
  } finally {
    await s.stop();
  }
});

test('hover honours contentFormat: plain text for clients that prefer it or say nothing, Markdown otherwise', async () => {
  const text = fixture('pin-one-put-page.c');
  const litLine = lineOf(text, '0xC00003');
  const litCol = text.split('\n')[litLine]!.indexOf('0xC00003') + 2;
  const biasLine = lineOf(text, 'GUP_PIN_COUNTING_BIAS + 1');
  const biasCol = text.split('\n')[biasLine]!.indexOf('GUP_PIN_COUNTING_BIAS') + 2;
  for (const [contentFormat, kind] of [
    [['plaintext', 'markdown'], 'plaintext'],
    [undefined, 'plaintext'],
    [['markdown'], 'markdown'],
  ] as const) {
    const s = await LspSession.start({
      capabilities: { textDocument: { hover: contentFormat ? { contentFormat: [...contentFormat] } : {} } },
    });
    try {
      const uri = 'file:///tmp/lifecycle-enc/format.c';
      s.open(uri, text);
      const ask = async (line: number, character: number) =>
        (
          (await s.conn.sendRequest('textDocument/hover', {
            textDocument: { uri },
            position: { line, character },
          })) as Hover
        ).contents as MarkupContent;
      for (const c of [await ask(litLine, litCol), await ask(biasLine, biasCol)]) {
        assert.equal(c.kind, kind, `contentFormat ${String(contentFormat)}`);
        if (kind === 'plaintext') {
          assert.doesNotMatch(c.value, /\*\*|`|^\|/m, `no Markdown syntax in plain text:\n${c.value}`);
        } else assert.match(c.value, /\*\*/);
      }
      if (kind === 'plaintext')
        assert.match((await ask(litLine, litCol)).value, /^refs: 3$/m, 'table rows as key: value');
    } finally {
      await s.stop();
    }
  }
});

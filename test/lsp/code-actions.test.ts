/**
 * Code actions. First the LSP layer alone, with hand-built findings (the fix, fix-all of a rule
 * with overlapping fixes dropped, the source fix-all, the suppression comment's placement); then
 * over stdio: the quick fix's edit, applied, makes the diagnostic go; so does the suppression.
 */
import { ruleMeta } from '../../server/src/core/rules/index.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import type { Finding } from '../../server/src/core/types.ts';
import { codeActions, suppressionEdit } from '../../server/src/lsp/code-actions.ts';
import { toDiagnostic } from '../../server/src/lsp/convert.ts';
import type { DocumentAnalysis } from '../../server/src/lsp/diagnostics.ts';
import { applyLspEdits, fixture, LspSession, positionOfText } from './lsp-harness.ts';

const URI = 'file:///tmp/actions/hand.c';
const HAND_TEXT = [
  'static void demo(struct page **pages, struct page *a, struct page *b)',
  '{',
  '\tput_page(a);',
  '\tput_page(b);',
  '\trelease_pages(pages, 4);',
  '}',
  '',
].join('\n');

function finding(rule: Finding['rule'], line: number, col: number, len: number, newText: string): Finding {
  const range = { start: { line, column: col }, end: { line, column: col + len } };
  return {
    rule,
    severity: 'warning',
    messageId: Object.keys(ruleMeta(rule).messages)[0]!,
    data: { acquisition: 'pin_user_pages_fast()', release: 'put_page' },
    locations: {},
    range,
    related: [
      {
        range: { start: { line: 0, column: 0 }, end: { line: 0, column: 4 } },
        messageId: 'taken',
        data: { acquisition: 'pin_user_pages_fast()' },
      },
    ],
    fixes: [{ title: `Replace with ${newText}()`, edits: [{ range, newText }] }],
  };
}

function analysisOf(findings: Finding[]): DocumentAnalysis {
  return {
    uri: URI,
    version: 1,
    findings,
    pairings: [],
    diagnostics: findings.map((f) => toDiagnostic(f, URI, 1)),
    model: { model: 'unpin_user_page', reason: 'test', evidence: { kind: 'setting' } },
    problems: [],
  };
}

function params(diagnostics: Diagnostic[], only?: string[]) {
  return {
    textDocument: { uri: URI },
    range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics, ...(only ? { only } : {}) },
  };
}

test('hand-built findings: preferred fix, fix-all of the rule, disable for the line', () => {
  const f1 = finding('wrong-release', 2, 1, 8, 'unpin_user_page');
  const f2 = finding('wrong-release', 3, 1, 8, 'unpin_user_page');
  const f3 = finding('release-count', 4, 22, 1, 'ret');
  const a = analysisOf([f1, f2, f3]);
  const actions = codeActions(params([a.diagnostics[0]!]), a, HAND_TEXT);
  assert.deepEqual(
    actions.map((x) => x.title),
    ['Replace with unpin_user_page()', 'Fix all wrong-release problems in file', 'Disable wrong-release for this line'],
  );
  const [fix, all, disable] = actions as [CodeAction, CodeAction, CodeAction];
  assert.equal(fix.isPreferred, true);
  assert.equal(fix.kind, 'quickfix');
  assert.deepEqual(fix.diagnostics, [a.diagnostics[0]]);
  assert.equal(applyLspEdits(HAND_TEXT, fix.edit!.changes![URI]!).split('\n')[2], '\tunpin_user_page(a);');
  const fixedAll = applyLspEdits(HAND_TEXT, all.edit!.changes![URI]!).split('\n');
  assert.deepEqual(
    fixedAll.slice(2, 5),
    ['\tunpin_user_page(a);', '\tunpin_user_page(b);', '\trelease_pages(pages, 4);'],
    'only wrong-release fixed',
  );
  assert.equal(
    applyLspEdits(HAND_TEXT, disable.edit!.changes![URI]!).split('\n')[2],
    '\tput_page(a); /* gup-review: ignore wrong-release */',
  );
  // A single release-count finding: no "fix all" (it would be the same edit).
  const rc = codeActions(params([a.diagnostics[2]!]), a, HAND_TEXT).map((x) => x.title);
  assert.deepEqual(rc, ['Replace with ret()', 'Disable release-count for this line']);
});

test('hand-built findings: source.fixAll.gupReview applies every rule, dropping overlapping fixes', () => {
  const f1 = finding('wrong-release', 2, 1, 8, 'unpin_user_page');
  const overlapping = finding('batch-release', 2, 1, 12, 'unpin_user_pages(pages, 2);');
  const f3 = finding('release-count', 4, 22, 1, 'ret');
  const a = analysisOf([f1, overlapping, f3]);
  const actions = codeActions(params([], ['source.fixAll']), a, HAND_TEXT);
  assert.equal(actions.length, 1);
  assert.equal(actions[0]!.kind, 'source.fixAll.gupReview');
  const fixed = applyLspEdits(HAND_TEXT, actions[0]!.edit!.changes![URI]!).split('\n');
  assert.deepEqual(fixed.slice(2, 5), ['\tunpin_user_page(a);', '\tput_page(b);', '\trelease_pages(pages, ret);']);
  assert.deepEqual(codeActions(params([], ['refactor']), a, HAND_TEXT), [], 'other kinds: nothing');
  assert.ok(codeActions(params([a.diagnostics[0]!], ['quickfix']), a, HAND_TEXT).every((x) => x.kind === 'quickfix'));
});

test('a diagnostic from another source or an older analysis gets no action', () => {
  const a = analysisOf([finding('wrong-release', 2, 1, 8, 'unpin_user_page')]);
  const foreign = { ...a.diagnostics[0]!, source: 'cppcheck' };
  assert.deepEqual(codeActions(params([foreign]), a, HAND_TEXT), []);
  const moved = { ...a.diagnostics[0]!, data: { key: 'wrong-release@9:9-9:9', version: 0 } };
  assert.deepEqual(codeActions(params([moved]), a, HAND_TEXT), []);
});

test('the suppression goes at the end of short lines, above long or commented ones, with the same indentation', () => {
  assert.deepEqual(suppressionEdit('\tput_page(a);\n', 0, 'wrong-release'), {
    range: { start: { line: 0, character: 13 }, end: { line: 0, character: 13 } },
    newText: ' /* gup-review: ignore wrong-release */',
  });
  const long = `\t\t${'x'.repeat(80)};\n`;
  assert.deepEqual(suppressionEdit(long, 0, 'missing-release'), {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    newText: '\t\t/* gup-review: ignore missing-release */\n',
  });
  assert.equal(
    suppressionEdit('\tput_page(a); // done\n', 0, 'wrong-release').newText,
    '\t/* gup-review: ignore wrong-release */\n',
  );
  assert.equal(
    suppressionEdit('\tput_page(a);\r\n', 0, 'wrong-release').range.start.character,
    13,
    'CRLF: before the \\r',
  );
});

let s: LspSession;
before(async () => {
  s = await LspSession.start();
});
after(async () => {
  await s.stop();
});

async function actionsAt(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  return s.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics, ...(only ? { only } : {}) },
  });
}

test('over stdio: the preferred fix replaces put_page with unpin_user_page and the diagnostic goes', async () => {
  const uri = 'file:///tmp/actions/pin-one.c';
  const text = fixture('pin-one-put-page.c');
  s.open(uri, text);
  const wrong = (await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
  assert.equal(wrong.length, 1);
  const actions = await actionsAt(uri, wrong);
  const preferred = actions.filter((a) => a.isPreferred);
  assert.equal(preferred.length, 1);
  assert.ok(actions.some((a) => a.title === 'Disable wrong-release for this line'));
  const edits = preferred[0]!.edit!.changes![uri]!;
  const fixed = applyLspEdits(text, edits);
  assert.ok(fixed.includes('\tunpin_user_page(page);\n'), fixed);
  assert.ok(!fixed.includes('\tput_page(page)'));
  s.change(
    uri,
    edits.map((e) => ({ range: e.range, text: e.newText })),
  );
  assert.equal(s.text(uri), fixed);
  assert.equal((await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release').length, 0);
  s.close(uri);
});

test('over stdio: source.fixAll.gupReview fixes the file; the suppression comment silences the rule', async () => {
  // A pinned page released with put_page(): wrong in the model `auto` gives a file outside a tree
  // (upstream; this test used get_user_pages + put_page, wrong only in the 2019 model `auto` gave before).
  const uri = 'file:///tmp/actions/gup.c';
  const text = fixture('pin-one-put-page.c');
  s.open(uri, text);
  const wrong = (await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
  assert.equal(wrong.length, 1);
  const fixAll = await actionsAt(uri, [], ['source.fixAll.gupReview']);
  assert.equal(fixAll.length, 1);
  assert.ok(applyLspEdits(text, fixAll[0]!.edit!.changes![uri]!).includes('\tunpin_user_page(page);\n'));
  const disable = (await actionsAt(uri, wrong)).find((a) => a.title === 'Disable wrong-release for this line')!;
  const edits = disable.edit!.changes![uri]!;
  s.change(
    uri,
    edits.map((e) => ({ range: e.range, text: e.newText })),
  );
  assert.match(s.text(uri), /\tput_page\(page\); \/\* gup-review: ignore wrong-release \*\/\n/);
  assert.equal((await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release').length, 0);
  s.close(uri);
});

test('over stdio: documentHighlight links an acquisition and its release both ways', async () => {
  const uri = 'file:///tmp/actions/hl.c';
  const text = fixture('pin-one-put-page.c');
  s.open(uri, text);
  await s.diagnosticsFor(uri);
  const acq = positionOfText(text, 'pin_user_pages_fast');
  const rel = positionOfText(text, 'put_page(page)');
  type HL = { range: { start: { line: number; character: number } }; kind: number };
  const fromAcq = (await s.conn.sendRequest('textDocument/documentHighlight', {
    textDocument: { uri },
    position: { ...acq, character: acq.character + 3 },
  })) as HL[];
  assert.deepEqual(
    fromAcq.map((h) => [h.range.start, h.kind]),
    [
      [acq, 3],
      [rel, 2],
    ],
  );
  const fromRel = (await s.conn.sendRequest('textDocument/documentHighlight', {
    textDocument: { uri },
    position: { ...rel, character: rel.character + 1 },
  })) as HL[];
  assert.deepEqual(
    fromRel.map((h) => h.range.start).sort((a, b) => a.line - b.line),
    [acq, rel],
  );
  const loop = fixture('pin-loop.c');
  const loopUri = 'file:///tmp/actions/loop.c';
  s.open(loopUri, loop);
  const fromLoop = (await s.conn.sendRequest('textDocument/documentHighlight', {
    textDocument: { uri: loopUri },
    position: positionOfText(loop, 'pin_user_pages_fast', 1),
  })) as HL[];
  assert.deepEqual(
    fromLoop.map((h) => h.range.start.line),
    [positionOfText(loop, 'pin_user_pages_fast').line, positionOfText(loop, 'unpin_user_page(').line],
    'pages[i] in the loop is a release of pages',
  );
  assert.equal(
    await s.conn.sendRequest('textDocument/documentHighlight', {
      textDocument: { uri },
      position: positionOfText(text, 'memset'),
    }),
    null,
    'other calls: nothing',
  );
  const leak = fixture('pin-leak.c');
  const leakUri = 'file:///tmp/actions/leak.c';
  s.open(leakUri, leak);
  assert.ok((await s.diagnosticsFor(leakUri)).some((d) => d.code === 'missing-release'));
  const fromLeak = (await s.conn.sendRequest('textDocument/documentHighlight', {
    textDocument: { uri: leakUri },
    position: positionOfText(leak, 'pin_user_pages_fast', 1),
  })) as HL[];
  assert.deepEqual(
    fromLeak.map((h) => h.range.start.line),
    [positionOfText(leak, 'pin_user_pages_fast').line, positionOfText(leak, 'unpin_user_pages').line],
    'the leaking return is not highlighted as a release',
  );
  s.close(leakUri);
  s.close(uri);
  s.close(loopUri);
});

test('over stdio: in a received mail, "Insert review comment" writes under the quoted line and "Show suggested fix" (a server command) carries the line', async () => {
  const uri = 'file:///tmp/actions/reply.eml';
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'patches', 'reply-depth1.eml'), 'utf8');
  s.open(uri, text, 'patch-mail');
  const wrong = (await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
  assert.equal(wrong.length, 1);
  const actions = await actionsAt(uri, wrong);
  const titles = actions.map((a) => a.title);
  assert.ok(!titles.some((t) => /^Disable|^Replace|^Fix all/.test(t)), `mail is never rewritten: ${titles}`);
  const insert = actions.find((a) => a.title === 'Insert review comment')!;
  const edit = insert.edit!.changes![uri]![0]!;
  assert.equal(edit.range.start.line, wrong[0]!.range.start.line + 1, 'under the quoted line');
  assert.match(edit.newText, /^\n.*put_page\(\)/s);
  assert.match(edit.newText, /unpin_user_page\(page\);/);
  // This client declared no client commands: the action names a command the server executes.
  assert.ok(!titles.includes('Copy suggested fix'), `no client-only command: ${titles}`);
  const show = actions.find((a) => a.title === 'Show suggested fix')!;
  assert.equal(show.command?.command, 'gupReview.server.showSuggestedFix');
  assert.match(String(show.command?.arguments?.[0]), /unpin_user_page\(page\);/);
});

test('over stdio: in a patch, the fix edits the + line and no suppression comment is offered', async () => {
  const uri = 'file:///tmp/actions/plain.diff';
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'patches', 'plain.diff'), 'utf8');
  s.open(uri, text, 'diff');
  const wrong = (await s.diagnosticsFor(uri)).filter((d) => d.code === 'wrong-release');
  assert.equal(wrong.length, 1);
  const actions = await actionsAt(uri, wrong);
  assert.ok(!actions.some((a) => a.title.startsWith('Disable')));
  const fix = actions.find((a) => a.isPreferred)!;
  const e = fix.edit!.changes![uri]![0]!;
  assert.equal(text.split('\n')[e.range.start.line], '+\tput_page(page);');
  assert.equal(e.newText, 'unpin_user_page');
});

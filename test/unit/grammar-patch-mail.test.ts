/**
 * The patch-mail TextMate grammar, tokenized with the engine VS Code uses (vscode-textmate +
 * vscode-oniguruma). The C inside patch lines is embedded from `source.c`; here a small stand-in
 * C grammar of our own plays VS Code's built-in one (test/fixtures/patches/grammar/).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';
import { PATCH_FIXTURES, fixture } from './patch-fixtures.ts';

const ROOT = path.join(__dirname, '..', '..');
const GRAMMAR = path.join(ROOT, 'syntaxes', 'patch-mail.tmLanguage.json');
const C_STANDIN = path.join(PATCH_FIXTURES, 'grammar', 'c-standin.tmLanguage.json');

let grammar: IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => {
      const file = scope === 'source.patch-mail' ? GRAMMAR : scope === 'source.c' ? C_STANDIN : undefined;
      return file ? parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
  const g = await registry.loadGrammar('source.patch-mail');
  assert.ok(g);
  grammar = g;
});

interface Token {
  text: string;
  scopes: string[];
}

function tokenize(text: string): Token[][] {
  let state: StateStack = INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** Scopes at the first character of `needle` on the only line equal to `line` (or the line index). */
function scopes(doc: { text: string; tokens: Token[][] }, line: string | number, needle: string): string[] {
  const lines = doc.text.split('\n');
  const idx = typeof line === 'number' ? line : lines.indexOf(line);
  assert.ok(idx >= 0, `line ${JSON.stringify(line)}`);
  if (typeof line === 'string')
    assert.equal(lines.indexOf(line, idx + 1), -1, `line ${JSON.stringify(line)} is unique`);
  const col = lines[idx]!.indexOf(needle);
  assert.ok(col >= 0, `${JSON.stringify(needle)} on line ${idx}`);
  let pos = 0;
  for (const t of doc.tokens[idx]!) {
    if (col < pos + t.text.length) return t.scopes;
    pos += t.text.length;
  }
  throw new Error('no token');
}

function doc(text: string) {
  return { text, tokens: tokenize(text) };
}

function has(s: string[], scope: string): boolean {
  return s.some((x) => x === scope || x.startsWith(`${scope}.`));
}

function assertScope(s: string[], scope: string, what: string): void {
  assert.ok(has(s, scope), `${what}: expected ${scope} in ${s.join(' ')}`);
}

function assertNoScope(s: string[], scope: string, what: string): void {
  assert.ok(!has(s, scope), `${what}: did not expect ${scope} in ${s.join(' ')}`);
}

test('series mbox: separators, headers, [PATCH n/m] tag, trailers, ---, diffstat, diff headers', () => {
  const d = doc(fixture('series.mbox'));
  assertScope(scopes(d, 0, 'From'), 'keyword.other.mbox-from', 'mbox From');
  assertScope(scopes(d, 0, 'From'), 'meta.separator.mbox', 'mbox From line');
  const subject = 'Subject: [PATCH 3/4] gupdemo: peek at one user word';
  assertScope(scopes(d, subject, 'Subject'), 'entity.name.tag.header', 'header name');
  assertScope(scopes(d, subject, 'PATCH'), 'keyword.other.patch-tag', 'PATCH');
  assertScope(scopes(d, subject, '3/4'), 'constant.numeric.patch-number', '3/4');
  assertScope(scopes(d, subject, 'gupdemo'), 'markup.heading.subject', 'subject text');
  const lines = d.text.split('\n');
  assertScope(
    scopes(d, lines.indexOf('Cc: Kim Maintainer <kim@example.org>'), 'Cc'),
    'entity.name.tag.header',
    'Cc header',
  );
  const sob = lines.findIndex((l, i) => l.startsWith('Signed-off-by:') && i > lines.indexOf(subject));
  assertScope(scopes(d, sob, 'Signed-off-by'), 'keyword.other.trailer', 'trailer');
  assertScope(scopes(d, sob, '<dana'), 'markup.underline.link.email', 'trailer address');
  assertNoScope(scopes(d, sob, 'Signed-off-by'), 'entity.name.tag.header', 'a trailer is not a header');
  assertScope(scopes(d, sob + 1, '---'), 'meta.separator', '--- separator');
  assertScope(scopes(d, sob + 2, 'drivers'), 'string.unquoted.filename', 'diffstat file');
  assertScope(scopes(d, sob + 2, '+'), 'markup.inserted.diffstat', 'diffstat pluses');
  assertScope(scopes(d, sob + 3, 'file changed'), 'meta.diffstat.summary', 'diffstat summary');
  const git = lines.findIndex((l, i) => i > sob && l.startsWith('diff --git'));
  assertScope(scopes(d, git, 'diff'), 'meta.diff.header.git', 'diff --git');
  assertScope(scopes(d, git + 1, 'index'), 'meta.diff.index', 'index line');
  assertScope(scopes(d, git + 2, '---'), 'meta.diff.header.from-file', '--- a/');
  assertScope(scopes(d, git + 3, '+++'), 'meta.diff.header.to-file', '+++ b/');
  assertNoScope(scopes(d, git + 3, '+++'), 'markup.inserted', '+++ b/ is not an added line');
});

test('series mbox: hunk header with function context, +/- /context lines with C embedded, signature', () => {
  const d = doc(fixture('series.mbox'));
  const header = '@@ -21,3 +21,16 @@ static int gupdemo_sum_range(unsigned long uaddr, int nr, u32 *sum)';
  assertScope(scopes(d, header, '@@'), 'meta.diff.range.unified', 'hunk header');
  assertScope(scopes(d, header, 'gupdemo_sum_range'), 'entity.name.function', 'function context name');
  assertScope(scopes(d, header, 'static'), 'meta.diff.function-context', 'function context');
  const put = '+\tput_page(page);';
  assertScope(scopes(d, put, '+'), 'markup.inserted.diff', 'added line');
  assertScope(scopes(d, put, 'put_page'), 'entity.name.function.c', 'C embedded in an added line');
  assertScope(scopes(d, put, 'put_page'), 'markup.inserted.diff', 'still inside the added line');
  const t = doc(fixture('tree.patch'));
  assertScope(scopes(t, '-\tunpin_user_page(page);', 'unpin'), 'markup.deleted.diff', 'removed line');
  assertScope(
    scopes(t, '-\tunpin_user_page(page);', 'unpin'),
    'entity.name.function.c',
    'C embedded in a removed line',
  );
  assertScope(scopes(t, ' \treturn 0;', 'return'), 'keyword.control.c', 'C embedded in a context line');
  const lines = d.text.split('\n');
  const ctx = lines.indexOf(header) + 1; // " \t\t*sum += …" context
  assertScope(scopes(d, ctx, '*sum'), 'meta.diff.context', 'context line');
  assertNoScope(scopes(d, ctx, '*sum'), 'markup.inserted', 'context line');
  const sig = lines.indexOf('-- ', ctx);
  assertScope(scopes(d, sig, '--'), 'comment.block.signature', 'signature separator');
  assertScope(scopes(d, sig + 1, '2.39'), 'comment.block.signature', 'signature text');
  assertNoScope(scopes(d, sig + 1, '2.39'), 'markup.deleted', 'signature text');
  // the next message starts fresh
  const next = lines.indexOf('From mboxrd@z Thu Jan  1 00:00:00 1970', sig);
  assertScope(scopes(d, next, 'From'), 'keyword.other.mbox-from', 'next message');
  assertNoScope(scopes(d, next, 'From'), 'comment.block.signature', 'next message');
});

test('reply: quote depth scopes, quoted patch lines are inserted inside the quote, comments are plain', () => {
  const d = doc(fixture('reply-depth1.eml'));
  assertScope(scopes(d, 0, 'From'), 'entity.name.tag.header', 'first header of an .eml');
  const q = '> +\tput_page(page);';
  assertScope(scopes(d, q, '>'), 'markup.quote.level-1', 'quote marker');
  assertScope(scopes(d, q, '+'), 'markup.inserted.diff', 'quoted + line');
  assertScope(scopes(d, q, 'put_page'), 'markup.quote.level-1', 'inside the quote');
  assertScope(scopes(d, q, 'put_page'), 'entity.name.function.c', 'C in a quoted + line');
  assertScope(
    scopes(d, '> @@ -21,3 +21,16 @@ static int gupdemo_sum_range(unsigned long uaddr, int nr, u32 *sum)', '@@'),
    'meta.diff.range.unified',
    'quoted hunk header',
  );
  assertScope(scopes(d, '>  \treturn got;', 'return'), 'meta.diff.context', 'quoted context line');
  const comment = 'This page is pinned, it needs unpin_user_page().';
  assertNoScope(scopes(d, comment, 'This'), 'markup.quote', "the reviewer's comment");
  assertNoScope(scopes(d, comment, 'This'), 'markup.inserted', "the reviewer's comment");
  // after the comment the quoted hunk goes on without its header
  assertScope(scopes(d, '> +\treturn 0;', 'return'), 'markup.inserted.diff', 'quoted + line after a comment');
  assertScope(
    scopes(d, '> Signed-off-by: Dana Reviewer <dana@example.org>', 'Signed'),
    'keyword.other.trailer',
    'quoted trailer',
  );
});

test('reply to a reply: depth 2 scopes for "> > +" lines, depth 1 for the first reviewer', () => {
  const d = doc(fixture('reply-depth2.eml'));
  const q = '> > +\tput_page(page);';
  assertScope(scopes(d, q, 'put_page'), 'markup.quote.level-2', 'depth 2');
  assertScope(scopes(d, q, 'put_page'), 'markup.inserted.diff', 'quoted + line at depth 2');
  const kim = '> This page is pinned, it needs unpin_user_page().';
  assertScope(scopes(d, kim, 'This'), 'markup.quote.level-1', 'depth 1 comment');
  assertNoScope(scopes(d, kim, 'This'), 'markup.quote.level-2', 'depth 1 comment');
  assertNoScope(
    scopes(d, 'Right, I mixed up the two APIs. v2 will use unpin_user_page().', 'Right'),
    'markup.quote',
    'own text',
  );
});

test('reply quoted with ">" and no space: ">+" is an added line, "> \\t" context', () => {
  const d = doc(fixture('reply-nospace.eml'));
  assertScope(scopes(d, '>+\tput_page(page);', 'put_page'), 'markup.inserted.diff', '>+');
  assertScope(scopes(d, '>+\tput_page(page);', 'put_page'), 'markup.quote.level-1', '>+');
  assertScope(
    scopes(d, '>@@ -21,3 +21,16 @@ static int gupdemo_sum_range(unsigned long uaddr, int nr, u32 *sum)', '@@'),
    'meta.diff.range.unified',
    '>@@',
  );
});

test('commit message bullets are not diff lines; a C comment spanning + lines stays inside them', () => {
  const text = [
    'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
    'From: A <a@example.org>',
    'Subject: [RFC PATCH v2 1/7] x: y',
    '',
    '- fixed the unpin count',
    '+ one more thing',
    '',
    'Fixes: 0123456789ab ("x: add y")',
    'Link: https://lore.kernel.org/r/1@example.org',
    '---',
    '@@ -1,2 +1,6 @@',
    '+/*',
    '+ * return the page',
    '+ */',
    '+\tfoo();',
    '+/* never closed',
    ' \treturn 0;',
    ' }',
    '',
  ].join('\n');
  const d = doc(text);
  assertScope(scopes(d, 0, '0123456789abcdef'), 'constant.other.sha', 'format-patch sha');
  assertScope(scopes(d, 2, 'RFC'), 'keyword.other.patch-tag', 'RFC');
  assertScope(scopes(d, 2, 'v2'), 'constant.numeric.version', 'v2');
  assertScope(scopes(d, 2, '1/7'), 'constant.numeric.patch-number', '1/7');
  assertNoScope(scopes(d, 4, 'fixed'), 'markup.deleted', 'bullet');
  assertNoScope(scopes(d, 5, 'one'), 'markup.inserted', 'plus bullet');
  assertScope(scopes(d, 7, 'Fixes'), 'keyword.other.trailer', 'Fixes:');
  assertScope(scopes(d, 7, '0123456789ab'), 'constant.other.sha', 'Fixes sha');
  assertScope(scopes(d, 8, 'https'), 'markup.underline.link', 'Link:');
  assertScope(scopes(d, 12, 'return'), 'comment.block.c', 'second line of a C comment');
  assertScope(scopes(d, 12, 'return'), 'markup.inserted.diff', 'second line of a C comment');
  assertScope(scopes(d, 14, 'foo'), 'entity.name.function.c', 'after the comment');
  assertNoScope(scopes(d, 16, 'return'), 'comment.block.c', 'an unclosed comment ends with its + run');
  assertScope(scopes(d, 16, 'return'), 'keyword.control.c', 'context line after it');
});

test('package.json contributes the patch-mail language and grammar; firstLine matches mail starts only', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      languages: Array<{ id: string; extensions?: string[]; firstLine?: string }>;
      grammars: Array<{
        language?: string;
        scopeName: string;
        path: string;
        embeddedLanguages?: Record<string, string>;
      }>;
    };
  };
  const lang = pkg.contributes.languages.find((l) => l.id === 'patch-mail');
  assert.ok(lang);
  assert.deepEqual(lang.extensions, ['.eml', '.mbox', '.mbx']);
  const first = new RegExp(lang.firstLine!);
  assert.ok(first.test('From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001'));
  assert.ok(first.test('From mboxrd@z Thu Jan  1 00:00:00 1970'));
  assert.ok(!first.test('From: Dana Reviewer <dana@example.org>'));
  assert.ok(!first.test('diff --git a/x b/x'));
  const g = pkg.contributes.grammars.find((x) => x.language === 'patch-mail');
  assert.ok(g);
  assert.equal(g.scopeName, 'source.patch-mail');
  assert.equal(path.resolve(ROOT, g.path), GRAMMAR);
  assert.equal(g.embeddedLanguages?.['meta.embedded.line.c'], 'c');
  assert.ok(
    !pkg.contributes.languages.some((l) => l.extensions?.includes('.patch') || l.extensions?.includes('.diff')),
    '.patch/.diff stay on the built-in diff language',
  );
});

test('a quoted hunk without @@ or file header: +, - and context lines are diff, with C embedded', () => {
  const d = doc(fixture('arrives/reply-unpin-to-put.eml'));
  const ctx = '> >  \tfor (i = 0; i < xb->nr_pages; i++)';
  assertScope(scopes(d, ctx, 'for'), 'meta.diff.context', 'quoted context line without a hunk header');
  assertScope(scopes(d, ctx, 'for'), 'keyword.control.c', 'C in the quoted context line');
  assertScope(scopes(d, ctx, 'for'), 'markup.quote.level-2', 'depth 2');
  const del = '> > -\t\tunpin_user_page(xb->pages[i]);';
  assertScope(scopes(d, del, '-'), 'markup.deleted.diff', 'quoted removed line');
  assertScope(scopes(d, del, 'unpin_user_page'), 'entity.name.function.c', 'C in the removed line');
  const add = '> > +\t\tput_page(xb->pages[i]);';
  assertScope(scopes(d, add, 'put_page'), 'markup.inserted.diff', 'quoted added line');
  assertScope(scopes(d, add, 'put_page'), 'entity.name.function.c', 'C in the added line');
  const prose = '> The pages come from pin_user_pages_fast() in xbuf_setup().';
  assertNoScope(scopes(d, prose, 'The'), 'meta.diff.context', 'quoted prose');
  assertNoScope(scopes(d, prose, 'The'), 'markup.inserted', 'quoted prose');
});

/**
 * Hover over stdio: integer literals and constant expressions decode as refcounts, the bias name
 * explains the model, acquisition/release calls tell their family and partners, and
 * `refcount:N` / `count:N` decode in logs and C comments.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { fixture, LspSession, positionOfText } from './lsp-harness.ts';

let s: LspSession;
const C_URI = 'file:///tmp/hover/pin-one.c';
const LOG_URI = 'file:///tmp/hover/dmesg.log';
const EXPR = `// Fixture (written for gup-review): constants to hover.
static const int demo_one_pin = 1025;
static const int demo_pins = 0x400;
static const int demo_big = 0xC00003;
static const int demo_shift = 1 << 10;
static const long demo_cast = (1U << 10) * 2;
static const int demo_negative = -1024;
static const int demo_free = 0;
/* dump_page said: page:ffffea0004a1b2c0 refcount:3073 mapcount:1 */
static const char *demo_name = "gup 3073";
`;
const EXPR_URI = 'file:///tmp/hover/expr.c';

before(async () => {
  s = await LspSession.start();
  s.open(C_URI, fixture('pin-one-put-page.c'));
  s.open(LOG_URI, fixture('dump-page.log'), 'log');
  s.open(EXPR_URI, EXPR);
  await s.diagnosticsFor(C_URI);
});
after(async () => {
  await s.stop();
});

async function hoverAt(uri: string, text: string, needle: string, delta = 0): Promise<Hover | null> {
  return s.conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: positionOfText(text, needle, delta),
  });
}
const md = (h: Hover | null) => {
  assert.ok(h, 'a hover');
  return (h.contents as MarkupContent).value;
};

test('integer literals decode as refcounts in a compact table', async () => {
  let v = md(await hoverAt(EXPR_URI, EXPR, '1025'));
  assert.match(v, /1 pin, 1 ref/);
  assert.match(v, /\| pins \| 1 \(upper bound\) \|/);
  assert.match(v, /\| refs \| 1 \|/);
  v = md(await hoverAt(EXPR_URI, EXPR, '0x400', 2));
  assert.match(v, /\| refcount \| 1,024 \(0x00000400\) \|/);
  assert.match(v, /1 pin, 0 refs/);
  v = md(await hoverAt(EXPR_URI, EXPR, '0xC00003', 3));
  assert.match(v, /12,288 pins, 3 refs/);
  v = md(await hoverAt(EXPR_URI, EXPR, '= 0;', 2));
  assert.match(v, /free page/);
  const neg = await hoverAt(EXPR_URI, EXPR, '1024;', 1);
  assert.match(md(neg), /negative/);
  assert.deepEqual(neg!.range!.start, positionOfText(EXPR, '-1024'), 'the whole unary expression');
});

test('constant expressions decode as a whole, whichever literal is hovered', async () => {
  const text = fixture('pin-one-put-page.c');
  const h = await hoverAt(C_URI, text, '3 * GUP');
  const v = md(h);
  assert.match(v, /`3 \* GUP_PIN_COUNTING_BIAS \+ 1` = 3,073/);
  assert.match(v, /3 pins, 1 ref/);
  assert.deepEqual(h!.range!.start, positionOfText(text, '3 * GUP'));
  assert.deepEqual(
    h!.range!.end,
    positionOfText(text, 'GUP_PIN_COUNTING_BIAS + 1', 'GUP_PIN_COUNTING_BIAS + 1'.length),
  );
  assert.equal(md(await hoverAt(C_URI, text, 'BIAS + 1', 7)), v, 'same hover from the last literal');
  let e = md(await hoverAt(EXPR_URI, EXPR, '1 << 10'));
  assert.match(e, /`1 << 10` = 1,024/);
  e = md(await hoverAt(EXPR_URI, EXPR, '(1U << 10) * 2', 2));
  assert.match(e, /`\(1U << 10\) \* 2` = 2,048/);
  assert.match(e, /2 pins, 0 refs/);
});

test('GUP_PIN_COUNTING_BIAS explains the bias model with the value in force', async () => {
  const text = fixture('pin-one-put-page.c');
  // The name inside `3 * GUP_PIN_COUNTING_BIAS + 1`: the model comes first, the expression after.
  const h = await hoverAt(C_URI, text, 'GUP_PIN_COUNTING_BIAS', 3);
  const v = md(h);
  assert.match(v, /^\*\*GUP_PIN_COUNTING_BIAS\*\* = 1024/, `the bias model first:\n${v}`);
  const [model, expression] = v.split('\n\n---\n\n');
  assert.match(expression ?? '', /^`3 \* GUP_PIN_COUNTING_BIAS \+ 1` = 3,073: 3 pins, 1 ref/);
  assert.ok(!/\| pins \|/.test(v), 'not the whole decode table of the expression');
  assert.ok(model!.split('\n').length <= 6, `short enough not to scroll:\n${model}`);
  assert.match(v, /adds 1024/);
  assert.match(v, /2,097,151/);
  assert.match(v, /Large folios/);
  assert.deepEqual(h!.range!.start, positionOfText(text, 'GUP_PIN_COUNTING_BIAS'), 'range is the name');
});

test('an acquisition call tells its family, its releases and where they are', async () => {
  const text = fixture('pin-one-put-page.c');
  const v = md(await hoverAt(C_URI, text, 'pin_user_pages_fast', 3));
  assert.match(v, /\*\*pin_user_pages_fast\(\)\*\*/);
  assert.match(v, /FOLL_PIN/);
  assert.match(v, /Release with `unpin_user_page`, `unpin_user_pages`, `unpin_user_pages_dirty_lock`/);
  // The partner comes from the matcher's pairing, marked as the diagnostic marks it.
  assert.match(v, /Released on line 14 \(`put_page`: the wrong kind of release\)/);
});

test('an acquisition whose pages leak on a path points at the problem', async () => {
  const uri = 'file:///tmp/hover/leak.c';
  const text = fixture('pin-leak.c');
  s.open(uri, text);
  const leak = (await s.diagnosticsFor(uri)).find((d) => d.code === 'missing-release');
  assert.ok(leak, 'the matcher reports the leak');
  const v = md(await hoverAt(uri, text, 'pin_user_pages_fast', 1));
  assert.match(v, new RegExp(`Problems with these pages: \`missing-release\` on line ${leak.range.start.line + 1}`));
  assert.match(v, /Released on line 18 \(`unpin_user_pages`\)\./);
  s.close(uri);
});

test('unpin_user_page names the family it gives back (pin_user_pages*), and when it exists in words', async () => {
  const uri = 'file:///tmp/hover/loop.c';
  const text = fixture('pin-loop.c');
  s.open(uri, text);
  const v = md(await hoverAt(uri, text, 'unpin_user_page(', 2));
  assert.match(v, /Gives back pages from `pin_user_pages\*` in this model\./);
  assert.doesNotMatch(v, /folio_add_pin/);
  assert.match(v, /Since Linux 5\.6\./);
  assert.doesNotMatch(v, /Exists:/);
  const acq = md(await hoverAt(uri, text, 'pin_user_pages_fast', 2));
  assert.match(acq, /Since Linux 5\.6\./);
  const get = md(await hoverAt(C_URI, fixture('pin-one-put-page.c'), 'put_page(page)', 2));
  assert.match(get, /Gives back pages from `get_user_pages\*`, `iov_iter_get_pages\*` in this model\./);
  assert.match(get, /In every kernel version\./);
  s.close(uri);
});

test('decode hovers fit without scrolling: the standard notes are one short line each', async () => {
  for (const [needle, delta] of [
    ['0xC00003', 3],
    ['1025', 0],
  ] as const) {
    const v = md(await hoverAt(EXPR_URI, EXPR, needle, delta));
    const notes = v.split('\n').filter((l) => l.startsWith('- '));
    assert.ok(notes.length > 0 && notes.length <= 3, `${needle}: ${notes.length} notes:\n${v}`);
    for (const n of notes) assert.ok(n.length <= 90, `${needle}: a note of ${n.length} characters: ${n}`);
    assert.ok(v.length <= 800, `${needle}: ${v.length} characters:\n${v}`);
  }
});

test('a release call tells what it gives back, and shows the finding on it', async () => {
  const text = fixture('pin-one-put-page.c');
  const v = md(await hoverAt(C_URI, text, 'put_page(page)', 2));
  assert.match(v, /drops ordinary page references/);
  assert.match(
    v,
    /Releases the pages taken on line 9 \(`pin_user_pages_fast`\), with the wrong kind of release for them\./,
  );
  assert.match(v, /Problem here: `wrong-release`\./);
});

/** Two structs with a `pages` field: only the one that was pinned into pairs with setup()'s pin. */
const FIELDS = [
  'struct demo_pin_ctx { struct page **pages; int nr; };',
  'struct demo_cache { struct page **pages; int nr; };',
  'static int demo_setup(struct demo_pin_ctx *ctx, unsigned long uaddr, int nr)',
  '{',
  '\tint ret = pin_user_pages_fast(uaddr, nr, FOLL_WRITE, ctx->pages);',
  '\tif (ret < 0)',
  '\t\treturn ret;',
  '\tctx->nr = ret;',
  '\treturn 0;',
  '}',
  'static void demo_teardown(struct demo_pin_ctx *ctx)',
  '{',
  '\tunpin_user_pages(ctx->pages, ctx->nr);',
  '}',
  'static void demo_cache_drop(struct demo_cache *c)',
  '{',
  '\tput_page(c->pages[0]);',
  '}',
  '',
].join('\n');

test('hover pairs by data flow: a field released in another function, not a same-named field of another struct', async () => {
  const uri = 'file:///tmp/hover/fields.c';
  s.open(uri, FIELDS);
  assert.deepEqual(await s.diagnosticsFor(uri), [], 'both releases are right for their pages');
  const acq = md(await hoverAt(uri, FIELDS, 'pin_user_pages_fast', 1));
  assert.match(acq, /Released on line 13 in `demo_teardown\(\)` \(`unpin_user_pages`\)\./);
  assert.doesNotMatch(acq, /line 17/, "the cache's put_page is not a release of these pages");
  const rel = md(await hoverAt(uri, FIELDS, 'unpin_user_pages(ctx', 1));
  assert.match(rel, /Releases the pages taken on line 5 in `demo_setup\(\)` \(`pin_user_pages_fast`\)\./);
  const other = md(await hoverAt(uri, FIELDS, 'put_page(c', 1));
  assert.doesNotMatch(other, /Releases the pages taken/);
  s.close(uri);
});

test('refcount:N and count:N decode in logs, with the line as context', async () => {
  const log = fixture('dump-page.log');
  const h = await hoverAt(LOG_URI, log, 'refcount:3073', 4);
  let v = md(h);
  assert.match(v, /3 pins, 1 ref/);
  assert.match(v, /\| mapcount \| 1 \|/);
  assert.deepEqual(h!.range!.start, positionOfText(log, 'refcount:3073'));
  v = md(await hoverAt(LOG_URI, log, 'refcount:-1024', 2));
  assert.match(v, /exactly one bias/);
  v = md(await hoverAt(LOG_URI, log, ' count:1 ', 2));
  assert.match(v, /0 pins, 1 ref/);
  assert.equal(await hoverAt(LOG_URI, log, 'flags:', 1), null, 'nothing on other text');
});

test('refcount:N decodes in a mail with a quoted patch too', async () => {
  const mail =
    'From: A Reviewer <r@example.org>\nSubject: Re: [PATCH] demo\n\nI saw page:ffffea0000000000 refcount:1025 mapcount:0 in dmesg.\n';
  const uri = 'file:///tmp/hover/reply.eml';
  s.open(uri, mail, 'patch-mail');
  assert.match(md(await hoverAt(uri, mail, 'refcount:1025', 2)), /1 pin, 1 ref/);
  s.close(uri);
});

test('refcount:N in a C comment decodes; numbers in strings do not', async () => {
  assert.match(md(await hoverAt(EXPR_URI, EXPR, 'refcount:3073', 3)), /3 pins, 1 ref/);
  assert.equal(await hoverAt(EXPR_URI, EXPR, '3073";', 1), null);
  assert.equal(await hoverAt(EXPR_URI, EXPR, 'demo_name', 2), null, 'identifiers have no hover');
});

test('hover follows edits: the literal typed last is the one decoded', async () => {
  const uri = 'file:///tmp/hover/edit.c';
  const text = 'static const int demo_v = 1;\n';
  s.open(uri, text);
  s.insertAt(uri, ' = 1', '02', true);
  s.insertAt(uri, ' = 102', '5', true);
  const now = s.text(uri);
  assert.equal(now, 'static const int demo_v = 1025;\n');
  assert.match(md(await hoverAt(uri, now, '1025')), /1 pin, 1 ref/);
  s.close(uri);
});

test('a #define body decodes as a whole, or the number under the cursor', async () => {
  const uri = 'file:///work/define-demo.c';
  const text = [
    '#define DEMO_PIN_REFS\t(3 * GUP_PIN_COUNTING_BIAS + 1)\t/* three pins */',
    '#define DEMO_RAW 0xC00003',
    '#define DEMO_PAIR(x) ((x) + 1025)',
    '',
  ].join('\n');
  s.open(uri, text);
  await s.diagnosticsFor(uri);
  assert.match(md(await hoverAt(uri, text, '3 * GUP', 0)), /3 pins, 1 ref/);
  assert.match(md(await hoverAt(uri, text, '0xC00003', 2)), /12,288 pins, 3 refs/);
  assert.match(md(await hoverAt(uri, text, '1025', 1)), /1 pin, 1 ref/);
  assert.equal(await hoverAt(uri, text, 'DEMO_PAIR(x)', 0), null, 'the macro name is no value');
});

test('on a patch or mail line, an API call name explains its family and its release', async () => {
  const uri = 'file:///tmp/hover/reply-call.eml';
  const mail = readFileSync(join(__dirname, '..', 'fixtures', 'patches', 'reply-depth1.eml'), 'utf8');
  s.open(uri, mail, 'patch-mail');
  await s.diagnosticsFor(uri);
  const acq = md(await hoverAt(uri, mail, 'pin_user_pages_fast(', 2));
  assert.match(acq, /\*\*pin_user_pages_fast\(\)\*\* — FOLL_PIN acquisition/);
  assert.match(acq, /Release with .*unpin_user_page/);
  assert.doesNotMatch(acq, /No release of/, 'a hunk is not the whole function: no claim about missing releases');
  const rel = md(await hoverAt(uri, mail, 'put_page(page)', 1));
  assert.match(rel, /\*\*put_page\(\)\*\*/);
  assert.equal(await hoverAt(uri, mail, 'Subject', 1), null, 'plain words are no API');
});

test('an mm-internal acquisition: the hover says what the flags at this call make it', async () => {
  const uri = 'file:///tmp/hover/internal.c';
  const text = [
    'static long demo_a(struct mm_struct *mm, unsigned long s, unsigned long n, struct page **p, unsigned int f)',
    '{',
    '\tint locked = 1;',
    '\treturn __get_user_pages_locked(mm, s, n, p, NULL, &locked, f | FOLL_PIN);',
    '}',
    'static long demo_b(struct mm_struct *mm, unsigned long s, unsigned long n, struct page **p, unsigned int f)',
    '{',
    '\tint locked = 1;',
    '\treturn __get_user_pages_locked(mm, s, n, p, NULL, &locked, f);',
    '}',
    '',
  ].join('\n');
  s.open(uri, text);
  await s.diagnosticsFor(uri);
  assert.match(
    md(await hoverAt(uri, text, '__get_user_pages_locked(mm, s, n, p, NULL, &locked, f |', 2)),
    /FOLL_PIN acquisition/,
  );
  assert.match(
    md(await hoverAt(uri, text, '__get_user_pages_locked(mm, s, n, p, NULL, &locked, f)', 2)),
    /the gup flags passed decide/,
  );
  s.close(uri);
});

/**
 * Findings are data (rule, messageId, data, locations); the text is made at the edge from the
 * message tables. These tests pin down what that buys: every line number in a message comes from
 * a location, so a patch's messages use the patch's own numbering for every place they name (the
 * acquisition and the exit of a goto leak alike), and every message id a rule declares is one it
 * uses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeText } from '../../server/src/project/analyze-source.ts';
import { findingMessage, noteMessage } from '../../server/src/core/messages/format-message.ts';
import { reviewPatch } from '../../server/src/project/review-patch.ts';
import { RULES } from '../../server/src/core/rules/index.ts';

/** A patch adding a function whose error path leaks the pin through a goto to a return. */
const GOTO_LEAK_PATCH = [
  'diff --git a/drivers/misc/gupdemo/gupdemo-leak.c b/drivers/misc/gupdemo/gupdemo-leak.c',
  '--- a/drivers/misc/gupdemo/gupdemo-leak.c',
  '+++ b/drivers/misc/gupdemo/gupdemo-leak.c',
  '@@ -80,3 +80,20 @@ static int gupdemo_probe(struct gupdemo_dev *dev)',
  ' \treturn 0;',
  ' }',
  ' ',
  '+static int gupdemo_peek(unsigned long uaddr, u32 *val)',
  '+{',
  '+\tstruct page *page;',
  '+\tint ret;',
  '+',
  '+\tret = pin_user_pages_fast(uaddr, 1, 0, &page);',
  '+\tif (ret != 1)',
  '+\t\treturn -EFAULT;',
  '+\tif (!val)',
  '+\t\tgoto out;',
  '+\t*val = *(u32 *)page_address(page);',
  '+\tunpin_user_page(page);',
  '+\treturn 0;',
  '+out:',
  '+\treturn -EINVAL;',
  '+}',
  '+',
  '',
].join('\n');

const inputLine = (needle: string) => GOTO_LEAK_PATCH.split('\n').indexOf(needle) + 1;

test("a patch's goto leak names the acquisition and the exit by the patch's own lines", async () => {
  const r = await reviewPatch(GOTO_LEAK_PATCH, 'diff');
  const leak = r.findings.find((f) => f.rule === 'missing-release');
  assert.ok(leak, JSON.stringify(r.findings.map((f) => f.rule)));
  assert.equal(leak.messageId, 'gotoToReturn');
  const text = findingMessage(leak);
  const acq = inputLine('+\tret = pin_user_pages_fast(uaddr, 1, 0, &page);');
  const exit = inputLine('+\treturn -EINVAL;');
  assert.match(text, new RegExp(`pin_user_pages_fast\\(\\) \\(line ${acq}\\)`));
  assert.match(text, new RegExp(`the return at line ${exit} with them still held`));
  // and the finding itself sits on the goto's own line of the patch
  assert.equal(leak.range.start.line + 1, inputLine('+\t\tgoto out;'));
});

test('the same function as a C file: the lines are the file lines', async () => {
  const c = GOTO_LEAK_PATCH.split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
    .map((l) => l.slice(1))
    .join('\n');
  const { findings } = await analyzeText(c, { api: 'unpin_user_page' });
  const leak = findings.find((f) => f.rule === 'missing-release');
  assert.ok(leak);
  assert.match(findingMessage(leak), /\(line 6\) .* the return at line 15 with them still held/);
});

test('a custom line label reaches every place a message names', async () => {
  const c = GOTO_LEAK_PATCH.split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
    .map((l) => l.slice(1))
    .join('\n');
  const { findings } = await analyzeText(c, { api: 'unpin_user_page' });
  const leak = findings.find((f) => f.rule === 'missing-release')!;
  const text = findingMessage(leak, (l) => `L${l.range.start.line + 1}`);
  assert.doesNotMatch(text, /line \d/);
  assert.match(text, /\(L6\).*the return at L15/);
  // a label that hides a place drops it from the text rather than printing a wrong number
  assert.doesNotMatch(
    findingMessage(leak, () => undefined),
    /\d/,
  );
});

test('every message id a rule declares is used by its check, and every note id has a text', () => {
  for (const rule of RULES) {
    const source = readFileSync(join(__dirname, '../../server/src/core/rules', `${rule.id}.ts`), 'utf8');
    const ids = Object.keys(rule.messages);
    assert.ok(ids.length > 0, `${rule.id} has no messages`);
    for (const id of ids) {
      // declared as `id: …` in the table, and named as a string somewhere else in the file
      const named = source.split(`'${id}'`).length - 1;
      assert.ok(named >= 1, `${rule.id}: message ${id} is declared but never used`);
    }
  }
});

test('notes are data too: the verbose text is made from the note id and its locations', async () => {
  const text = [
    'static int demo_fill(struct demo_ctx *ctx, unsigned long uaddr)',
    '{',
    '\treturn pin_user_pages_fast(uaddr, 1, 0, ctx->pages);',
    '}',
    '',
  ].join('\n');
  const { notes } = await analyzeText(`\n\n${text}`, { api: 'unpin_user_page' });
  assert.ok(notes.length >= 1);
  assert.match(notes.map((n) => noteMessage(n)).join('\n'), /pin_user_pages_fast\(\): no missing-release reported: /);
});

/**
 * FileFacts are plain JSON that outlive the tree: extracted, the tree deleted, serialised and read
 * back unchanged; the same-file summaries rebuilt from them alone equal the ones the matcher
 * computed; struct fields are keyed by {struct, path}, with an unknown struct kept explicit.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { extractFileFacts } from '../../server/src/core/analyze.ts';
import { prepareUnit } from '../../server/src/core/analyze-unit.ts';
import { summariesFromFacts } from '../../server/src/core/facts/extract-facts.ts';
import { createCParser, parseKernelC } from '../../server/src/core/parser.ts';

const dir = join(__dirname, '..', 'fixtures', 'c');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

async function factsOf(text: string) {
  const parser = await createCParser();
  const tree = parseKernelC(parser, text);
  const facts = extractFileFacts(text, tree, { api: 'unpin_user_page' });
  const prepared = prepareUnit(tree.rootNode, text, 'unpin_user_page');
  const names = prepared ? [...prepared.summaries.helperReleases.keys(), ...prepared.summaries.wrappers.keys()] : [];
  const signature = prepared?.summaries.signatureFor(names, 0) ?? '';
  tree.delete();
  parser.delete();
  return { facts, names, signature };
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.c'))) {
  test(`${file}: facts survive the tree and a JSON round trip; summaries rebuild from them`, async () => {
    const { facts, names, signature } = await factsOf(read(file));
    assert.ok(facts, 'every fixture names an acquisition');
    assert.ok(facts.functions.length > 0);
    // Nothing but plain data: the JSON text reads back deep-equal (no nodes, closures, Maps).
    assert.deepEqual(JSON.parse(JSON.stringify(facts)), facts);
    assert.equal(summariesFromFacts(facts).signatureFor(names, 0), signature);
  });
}

test('helpers and wrappers are summarised as data', async () => {
  const { facts } = await factsOf(read('helpers.c'));
  const helpers = facts!.functions.filter((f) => f.releasesParams.length > 0);
  const wrappers = facts!.functions.filter((f) => f.acquiresFor);
  assert.ok(helpers.length > 0, 'helpers.c has a releasing helper');
  assert.ok(wrappers.length > 0, 'helpers.c has an acquiring wrapper');
  for (const h of helpers) for (const p of h.releasesParams) assert.ok(p.param >= 0 && p.release.length > 0);
});

test('fields are keyed by struct and path; an unknown struct stays explicit', async () => {
  const text = [
    'struct demo_pin_ctx { struct page **pages; };',
    'struct demo_cache { struct page **pages; };',
    'static int demo_fill(struct demo_pin_ctx *ctx, unsigned long uaddr)',
    '{',
    '\treturn pin_user_pages_fast(uaddr, 1, 0, ctx->pages) == 1 ? 0 : -EFAULT;',
    '}',
    'static void demo_drop(struct demo_cache *c)',
    '{',
    '\tput_page(c->pages[0]);',
    '\tput_page(DEMO_CACHE()->pages[0]);',
    '\tput_page(demo_global->pages[0]);',
    '}',
    '',
  ].join('\n');
  const { facts } = await factsOf(text);
  const events = facts!.fields.map((e) => `${e.event} ${e.field.struct ?? '?'}::${e.field.path} in ${e.functionName}`);
  assert.deepEqual(events, [
    'acquire demo_pin_ctx::pages in demo_fill',
    'release demo_cache::pages in demo_drop',
    // a global's type is not read: its struct is unknown, and unknown matches nothing
    'release ?::pages in demo_drop',
  ]);
  const drop = facts!.functions.find((f) => f.name === 'demo_drop')!;
  assert.deepEqual(
    drop.releases.map((r) => r.of.kind),
    ['field', 'unknown', 'field'],
  );
  const fill = facts!.functions.find((f) => f.name === 'demo_fill')!;
  assert.deepEqual(fill.acquisitions[0]!.into, {
    kind: 'field',
    field: { struct: 'demo_pin_ctx', path: 'pages' },
    base: 'ctx',
  });
});

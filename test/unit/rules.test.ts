/**
 * Rule tests over kernel-style fixtures of our own (test/fixtures/c/). Each fixture marks the
 * lines that must be reported with `// expect: rule`, or `// expect(upstream): …` /
 * `// expect(2019): …` for one model; every other line must stay quiet. Every fix is applied and
 * the result re-checked: it parses with no new error nodes and the rule no longer fires there.
 */
import { findingMessage, relatedMessage } from '../../server/src/core/messages/format-message.ts';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeText } from '../../server/src/project/analyze-source.ts';
import { countErrorNodes, createCParser, parseKernelC } from '../../server/src/core/parser.ts';
import { applyFixes } from '../../server/src/core/text-edits.ts';
import type { ApiModel, RuleId } from '../../server/src/core/types.ts';

const dir = join(__dirname, '..', 'fixtures', 'c');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.c'))
  .sort();
const MODELS: Array<[ApiModel, string]> = [
  ['unpin_user_page', 'upstream'],
  ['put_user_page', '2019'],
];

function expectations(text: string, tag: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/expect(?:\((\w+)\))?:\s*([\w-]+(?:\s*,\s*[\w-]+)*)/g)) {
      if (m[1] && m[1] !== tag) continue;
      for (const rule of m[2]!.split(/\s*,\s*/)) out.push(`${i + 1}:${rule}`);
    }
  });
  return out.sort();
}

async function errorNodes(text: string): Promise<number> {
  const parser = await createCParser();
  const tree = parseKernelC(parser, text);
  const n = countErrorNodes(tree.rootNode);
  tree.delete();
  parser.delete();
  return n;
}

/**
 * The idioms of real kernel code the matcher must handle (domain.md §5), each with the words its
 * fixture's `Idiom:` header must contain. A fixture without a header, an idiom without a fixture,
 * or a fixture that expects nothing at all fails.
 */
const IDIOMS: ReadonlyArray<[string, RegExp]> = [
  ['goto unwinding', /goto unwinding/i],
  ['hand-offs that are not leaks', /handed off/i],
  ['same-file helpers and wrappers', /helpers that release.*wrappers that acquire/i],
  ['macros, attributes and #ifdef', /macros.*#ifdef/i],
  ['a put_page() of a different page', /releases a different page/i],
  ['partial pins', /release count/i],
  ['a switch choosing the call', /switch/i],
  ['while (i--) and batch loops', /while \(i--\)/],
  ['struct fields across functions', /struct fields across functions/i],
  ['freeing instead of releasing', /freeing instead of releasing/i],
  ['releases through the bio and by amount', /bio_release_pages.*page_ref_sub/i],
  ['pins only sometimes (iov_iter_extract_pages)', /iov_iter_extract_will_pin\(\) is true/i],
  ['ownership on error paths', /ownership on error paths.*receiver survives/i],
  ['a wrapper returning the pages array', /returns the page array.*count in an\s+out-parameter/i],
  ['a helper releasing per switch (cmd) case', /releases one way or the other under switch \(cmd\).*per case/i],
  ['comments and line breaks inside code read as text', /comments and line breaks inside the code/i],
];

test('there is a fixture for every idiom, and every fixture names its idiom and expects something', () => {
  const headers = new Map(
    fixtures.map((f) => [f, /Idiom:\s*([\s\S]*?)\*\//.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? '']),
  );
  for (const [f, header] of headers) {
    assert.ok(header, `${f} has no "Idiom:" header`);
    const text = readFileSync(join(dir, f), 'utf8');
    const expected = MODELS.flatMap(([, tag]) => expectations(text, tag));
    assert.ok(expected.length > 0, `${f} expects nothing in either model`);
  }
  for (const [idiom, re] of IDIOMS) {
    const covering = [...headers].filter(([, h]) => re.test(h.replace(/\s*\n\s*\*\s*/g, ' ')));
    assert.ok(covering.length > 0, `no fixture for the idiom: ${idiom}`);
  }
});

for (const file of fixtures) {
  const text = readFileSync(join(dir, file), 'utf8');
  for (const [model, tag] of MODELS) {
    describe(`${file} (${model} model)`, () => {
      test('reports exactly the expected lines', async () => {
        const { findings } = await analyzeText(text, { api: model });
        const got = findings.map((f) => `${f.range.start.line + 1}:${f.rule}`).sort();
        assert.deepEqual(got, expectations(text, tag));
      });

      test('every finding names the acquisition as related information', async () => {
        const { findings } = await analyzeText(text, { api: model });
        for (const f of findings) {
          assert.ok(f.related.length >= 1, `${f.rule} at ${f.range.start.line + 1} has no related location`);
          assert.match(relatedMessage(f.related[0]!), /taken here by/);
          // A finding away from the acquisition says which line took the pages.
          if (JSON.stringify(f.related[0]!.range) !== JSON.stringify(f.range))
            assert.match(findingMessage(f), /line \d+/);
        }
      });

      test('fixes parse cleanly and silence their rule', async () => {
        const { findings } = await analyzeText(text, { api: model });
        const before = await errorNodes(text);
        for (const rule of new Set(findings.filter((f) => f.fixes.length > 0).map((f) => f.rule))) {
          const fixed = applyFixes(text, findings, rule as RuleId);
          assert.notEqual(fixed, text, `${rule} fix changed nothing`);
          assert.ok((await errorNodes(fixed)) <= before, `${rule} fix added parse errors`);
          const again = await analyzeText(fixed, { api: model });
          const fixedLines = findings.filter((f) => f.rule === rule && f.fixes.length > 0).length;
          const left = again.findings.filter((f) => f.rule === rule).length;
          const total = findings.filter((f) => f.rule === rule).length;
          assert.equal(left, total - fixedLines, `${rule} still reported after its fix`);
        }
      });
    });
  }
}

describe('fix texts', () => {
  const fixed = async (file: string, model: ApiModel, rule: RuleId) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const { findings } = await analyzeText(text, { api: model });
    return applyFixes(text, findings, rule);
  };

  test('a helper that put_page()s pinned pages is fixed inside the helper', async () => {
    const out = await fixed('helpers.c', 'unpin_user_page', 'wrong-release');
    assert.match(out, /for \(i = 0; i < n; i\+\+\)\n\t\tunpin_user_page\(pages\[i\]\);/);
  });

  test('unpin on GET pages becomes put_page', async () => {
    const out = await fixed('helpers.c', 'unpin_user_page', 'mismatched-release');
    assert.match(out, /demo_read\(page\);\n\tput_page\(page\);/);
  });

  test('release_pages on pinned pages becomes unpin_user_pages (pin_user_pages* pages, both models); GUP pages put_user_page in 2019', async () => {
    assert.match(
      await fixed('macros-ifdef.c', 'unpin_user_page', 'wrong-release'),
      /\tunpin_user_pages\(pages, got\);/,
    );
    // pin_user_pages* exist from 5.6 on and pair with unpin_user_pages* in every model
    assert.match(await fixed('macros-ifdef.c', 'put_user_page', 'wrong-release'), /\tunpin_user_pages\(pages, got\);/);
    assert.match(
      await fixed('macros-ifdef.c', 'put_user_page', 'wrong-release'),
      /demo_use\(page\);\n\tput_user_page\(page\);/,
    );
  });

  test('release count becomes the returned count', async () => {
    assert.match(
      await fixed('partial-pin.c', 'unpin_user_page', 'release-count'),
      /demo_consume\(pages, ret\);\n\tunpin_user_pages\(pages, ret\);/,
    );
  });

  test('loops fold into one batch call, dirtying into the _dirty_lock variant', async () => {
    const up = await fixed('while-decrement.c', 'unpin_user_page', 'batch-release');
    assert.match(up, /unwind:\n\tunpin_user_pages\(pages, i\);\n\treturn -EFAULT;/);
    assert.match(up, /demo_touch\(pages, got\);\n\tunpin_user_pages_dirty_lock\(pages, got, dirty\);\n\}/);
    // the fixture pins with pin_user_pages_fast: unpin_user_pages* in the 2019 model too
    const old = await fixed('while-decrement.c', 'put_user_page', 'batch-release');
    assert.match(old, /unpin_user_pages_dirty_lock\(pages, got, dirty\);/);
    assert.match(old, /\tunpin_user_pages\(pages, i\);/);
  });
});

test('a release of a variable that also holds other pages is reported without a rename fix', async () => {
  const text = readFileSync(join(dir, 'nearby-put-page.c'), 'utf8');
  const { findings } = await analyzeText(text, { api: 'put_user_page' });
  const f = findings.find((x) => x.rule === 'wrong-release');
  assert.ok(f, 'wrong-release expected');
  assert.equal(f.fixes.length, 0);
  assert.match(findingMessage(f), /also holds pages from elsewhere/);
});

test('a per-case helper that cannot be judged for an acquisition says why in a note (switch-helper.c)', async () => {
  const text = readFileSync(join(dir, 'switch-helper.c'), 'utf8');
  for (const [model] of MODELS) {
    const { notes } = await analyzeText(text, { api: model });
    const got = notes
      .filter((n) => n.messageId === 'caseNotMatched')
      .map((n) => `${n.range.start.line + 1}:${String(n.data.why)}`)
      .sort();
    // line 63: the DUMP case releases both ways; lines 120 and 130: not under a switch on cmd.
    assert.deepEqual(got, ['120:noCase', '130:noCase', '130:noCase', '63:bothWays', '63:bothWays']);
  }
});

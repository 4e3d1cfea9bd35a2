/**
 * Golden CFG dumps (server/src/core/matcher/cfg-dump.ts) of every C fixture: the rule fixtures in
 * test/fixtures/c and the control-flow-only sources in test/fixtures/cfg. Each golden is
 * test/fixtures/cfg/<fixture>.txt; `UPDATE_GOLDEN=1 node --import tsx --test
 * test/unit/cfg-golden.test.ts` rewrites them (then read the diff by hand before committing).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { buildCfg } from '../../server/src/core/matcher/cfg.ts';
import { dumpCfg } from '../../server/src/core/matcher/cfg-dump.ts';
import { functionDefinitions, functionName } from '../../server/src/core/matcher/syntax.ts';
import { createCParser, parseKernelC } from '../../server/src/core/parser.ts';

const fixtures = join(__dirname, '..', 'fixtures');
const goldenDir = join(fixtures, 'cfg');
const sources = [
  ...readdirSync(join(fixtures, 'c')).map((f) => join(fixtures, 'c', f)),
  ...readdirSync(goldenDir).map((f) => join(goldenDir, f)),
]
  .filter((f) => f.endsWith('.c'))
  .sort((a, b) => basename(a).localeCompare(basename(b)));
const update = process.env.UPDATE_GOLDEN === '1';

async function dumpFile(file: string): Promise<string> {
  const parser = await createCParser();
  const tree = parseKernelC(parser, readFileSync(file, 'utf8'));
  try {
    const out: string[] = [];
    for (const fn of functionDefinitions(tree.rootNode)) {
      const body = fn.childForFieldName('body');
      if (!body) continue;
      out.push(`== ${functionName(fn) ?? '?'}() at line ${fn.startPosition.row + 1}`, dumpCfg(buildCfg(body)));
    }
    return out.join('\n');
  } finally {
    tree.delete();
    parser.delete();
  }
}

test('fixture names are unique across test/fixtures/c and test/fixtures/cfg', () => {
  const names = sources.map((f) => basename(f));
  assert.equal(new Set(names).size, names.length);
});

for (const file of sources) {
  const golden = join(goldenDir, basename(file).replace(/\.c$/, '.txt'));
  test(`CFG of ${basename(file)} matches ${basename(golden)}`, async () => {
    const dump = await dumpFile(file);
    assert.ok(dump.includes('== '), `${basename(file)} has no function`);
    if (update) writeFileSync(golden, dump);
    assert.ok(existsSync(golden), `no golden ${golden}: run with UPDATE_GOLDEN=1 and read it`);
    assert.equal(dump, readFileSync(golden, 'utf8'));
  });
}

test('every golden belongs to a fixture', () => {
  const expected = new Set(sources.map((f) => basename(f).replace(/\.c$/, '.txt')));
  for (const f of readdirSync(goldenDir).filter((x) => x.endsWith('.txt'))) {
    assert.ok(expected.has(f), `stale golden ${f}`);
  }
});

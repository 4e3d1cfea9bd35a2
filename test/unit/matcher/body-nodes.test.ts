/** bodyNodes: one walk per body gives what descendantsOfType gives, node for node and in order. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bodyNodes, type BodyNodeType } from '../../../server/src/core/matcher/body-nodes.ts';
import { functionDefinitions } from '../../../server/src/core/matcher/syntax.ts';
import { createCParser, parseKernelC, type Node } from '../../../server/src/core/parser.ts';

const fixtures = join(__dirname, '..', '..', 'fixtures');
const sources = ['c', 'cfg'].flatMap((d) =>
  readdirSync(join(fixtures, d))
    .filter((f) => f.endsWith('.c'))
    .map((f) => join(fixtures, d, f)),
);

const QUERIES: ReadonlyArray<BodyNodeType | BodyNodeType[]> = [
  'assignment_expression',
  'init_declarator',
  'pointer_expression',
  'call_expression',
  'declaration',
  'return_statement',
  ['assignment_expression', 'init_declarator'],
  ['assignment_expression', 'update_expression', 'pointer_expression'],
  ['for_statement', 'while_statement', 'do_statement'],
];

const ids = (nodes: ReadonlyArray<Node | null>) =>
  nodes.map((n) => `${n!.type}@${n!.startIndex}-${n!.endIndex}#${n!.id}`);

test('bodyNodes equals descendantsOfType on every function body of the C fixtures', async () => {
  const parser = await createCParser();
  let bodies = 0;
  let nodes = 0;
  for (const file of sources) {
    const tree = parseKernelC(parser, readFileSync(file, 'utf8'));
    try {
      for (const fn of functionDefinitions(tree.rootNode)) {
        const body = fn.childForFieldName('body');
        if (!body) continue;
        bodies++;
        // Asked twice: the second answer comes from the body's index.
        for (const round of [0, 1])
          for (const q of QUERIES) {
            const want = ids(body.descendantsOfType(Array.isArray(q) ? q : [q]));
            assert.deepEqual(ids(bodyNodes(body, q)), want, `${file}: ${String(q)} (round ${round})`);
            nodes += want.length;
          }
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(bodies > 50 && nodes > 1000, `too few bodies (${bodies}) or nodes (${nodes}) to compare`);
});

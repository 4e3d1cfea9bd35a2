/** descendantsOf: one walk per body gives what descendantsOfType gives, node for node and in order. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { descendantsOf, type IndexedNodeType } from '../../../server/src/core/matcher/descendant-index.ts';
import { functionDefinitions } from '../../../server/src/core/matcher/syntax.ts';
import { createCParser, parseKernelC, type Node } from '../../../server/src/core/parser.ts';

const fixtures = join(__dirname, '..', '..', 'fixtures');
const sources = ['c', 'cfg'].flatMap((d) =>
  readdirSync(join(fixtures, d))
    .filter((f) => f.endsWith('.c'))
    .map((f) => join(fixtures, d, f)),
);

const QUERIES: ReadonlyArray<IndexedNodeType | IndexedNodeType[]> = [
  'assignment_expression',
  'init_declarator',
  'pointer_expression',
  'call_expression',
  'declaration',
  'return_statement',
  ['assignment_expression', 'init_declarator'],
  ['assignment_expression', 'update_expression', 'pointer_expression'],
  ['for_statement', 'while_statement', 'do_statement'],
  ['call_expression', 'return_statement'],
];

const ids = (nodes: ReadonlyArray<Node | null>) =>
  nodes.map((n) => `${n!.type}@${n!.startIndex}-${n!.endIndex}#${n!.id}`);

const compare = (node: Node, where: string): number => {
  let compared = 0;
  // Asked twice: the second answer comes from the node's index.
  for (const round of [0, 1])
    for (const q of QUERIES) {
      const want = ids(node.descendantsOfType(Array.isArray(q) ? q : [q]));
      assert.deepEqual(ids(descendantsOf(node, q)), want, `${where}: ${String(q)} (round ${round})`);
      compared += want.length;
    }
  return compared;
};

test('descendantsOf equals descendantsOfType on every function body and statement of the C fixtures', async () => {
  const parser = await createCParser();
  let bodies = 0;
  let statements = 0;
  let nodes = 0;
  for (const file of sources) {
    const tree = parseKernelC(parser, readFileSync(file, 'utf8'));
    try {
      for (const fn of functionDefinitions(tree.rootNode)) {
        const body = fn.childForFieldName('body');
        if (!body) continue;
        bodies++;
        nodes += compare(body, file);
        // Statements and expressions, some of an indexed type themselves (the node is included).
        for (const s of body.descendantsOfType([
          'expression_statement',
          'return_statement',
          'assignment_expression',
          'init_declarator',
        ])) {
          statements++;
          nodes += compare(s!, `${file}:${s!.startPosition.row + 1}`);
        }
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(
    bodies > 50 && statements > 500 && nodes > 5000,
    `too few bodies (${bodies}), statements (${statements}) or nodes (${nodes}) to compare`,
  );
});

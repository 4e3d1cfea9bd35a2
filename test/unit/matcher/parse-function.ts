/** Parses one small C function with the real parser, for the direct matcher tests. */
import { createCParser, parseKernelC, type Node, type Tree } from '../../../server/src/core/parser.ts';
import { functionDefinitions } from '../../../server/src/core/matcher/syntax.ts';
import { after, before } from 'node:test';
import type { Parser } from 'web-tree-sitter';

let parser: Parser;
const trees: Tree[] = [];
before(async () => {
  parser = await createCParser();
});
after(() => {
  for (const t of trees) t.delete();
  parser.delete();
});

/** The body of the first function in `code` (the tree lives until the test file ends). */
export function parseBody(code: string): Node {
  const tree = parseKernelC(parser, code);
  trees.push(tree);
  const fn = functionDefinitions(tree.rootNode)[0];
  const body = fn?.childForFieldName('body');
  if (!body) throw new Error('no function body in test code');
  return body;
}

/** The first call to `name` in `root`. */
export function callTo(root: Node, name: string): Node {
  const call = root.descendantsOfType('call_expression').find((c) => c?.childForFieldName('function')?.text === name);
  if (!call) throw new Error(`no call to ${name}`);
  return call;
}

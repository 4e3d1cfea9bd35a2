import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blankAttributes, countErrorNodes, createCParser, parseKernelC } from '../../server/src/core/parser.ts';

test('blankAttributes keeps length and newlines', () => {
  const src = 'static long __must_check f(void __user *p)\n__acquires(x) {\n}\n';
  const out = blankAttributes(src);
  assert.equal(out.length, src.length);
  assert.equal(out.split('\n').length, src.split('\n').length);
  assert.ok(!out.includes('__user') && !out.includes('__acquires') && !out.includes('__must_check'));
});

test('kernel attributes no longer produce error nodes', async () => {
  const parser = await createCParser();
  const src = 'static long __must_check foo(unsigned long __user *uaddr)\n{\n\treturn 0;\n}\n';
  const tree = parseKernelC(parser, src);
  assert.equal(countErrorNodes(tree.rootNode), 0);
  tree.delete();
  parser.delete();
});

test('positions are UTF-16 code units', async () => {
  const parser = await createCParser();
  const src = '/* é𝄞 */ int x = get_user_pages(a, 1, 0, &page, NULL);\n';
  const tree = parseKernelC(parser, src);
  const call = tree.rootNode.descendantsOfType('call_expression')[0]!;
  assert.equal(call.startIndex, src.indexOf('get_user_pages'));
  assert.equal(call.startPosition.column, src.indexOf('get_user_pages'));
  tree.delete();
  parser.delete();
});

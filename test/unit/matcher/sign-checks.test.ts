/**
 * signCheck: which side of a condition excludes a negative result (-errno), so that the result
 * may be used as a page count there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCParser, parseKernelC } from '../../../server/src/core/parser.ts';
import { signCheck } from '../../../server/src/core/matcher/sign-checks.ts';

const CASES: Array<[string, { onTrue: boolean; onFalse: boolean } | undefined]> = [
  ['ret < 0', { onTrue: false, onFalse: true }],
  ['ret <= 0', { onTrue: false, onFalse: true }],
  ['ret < 1', { onTrue: false, onFalse: true }],
  ['ret > 0', { onTrue: true, onFalse: false }],
  ['ret >= 1', { onTrue: true, onFalse: false }],
  ['ret >= 0', { onTrue: true, onFalse: false }],
  ['ret == nr', { onTrue: true, onFalse: false }],
  ['ret != nr', { onTrue: false, onFalse: true }],
  ['ret < nr', { onTrue: false, onFalse: true }],
  ['nr > ret', { onTrue: false, onFalse: true }],
  ['ret', { onTrue: false, onFalse: false }],
  ['!ret', { onTrue: false, onFalse: false }],
  ['ret < 0 || ret != nr', { onTrue: false, onFalse: true }],
  ['ret > 0 && ret < nr', { onTrue: true, onFalse: false }],
  ['unlikely(ret < 0)', { onTrue: false, onFalse: true }],
  ['IS_ERR_VALUE(ret)', { onTrue: false, onFalse: true }],
  ['(ret = demo()) < 0', { onTrue: false, onFalse: true }],
  ['ret > -1', { onTrue: true, onFalse: false }],
  ['ret != -5', { onTrue: false, onFalse: false }],
  ['check(ret)', undefined],
  ['ret & 1', undefined],
  ['other < 0', { onTrue: false, onFalse: false }],
];

test('signCheck reads which side excludes a negative result', async () => {
  const parser = await createCParser();
  try {
    for (const [cond, expected] of CASES) {
      const tree = parseKernelC(parser, `void f(void) { if (${cond}) g(); }`);
      const node = tree.rootNode.descendantsOfType('if_statement')[0]!.childForFieldName('condition')!;
      assert.deepEqual(signCheck(node, new Set(['ret'])), expected, cond);
      tree.delete();
    }
  } finally {
    parser.delete();
  }
});

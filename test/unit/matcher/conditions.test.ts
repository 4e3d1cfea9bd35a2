/**
 * Direct tests of the three-valued reading of branch conditions in the success world of an
 * acquisition (server/src/core/matcher/conditions.ts): true, false, or undefined ("can't tell").
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate, isPure, provesFull, type ConditionWorld } from '../../../server/src/core/matcher/conditions.ts';
import { squash, unwrap } from '../../../server/src/core/matcher/syntax.ts';
import type { Node } from '../../../server/src/core/parser.ts';
import { callTo, parseBody } from './parse-function.ts';

interface WorldOptions {
  /** The acquisition (default pin_user_pages_fast). */
  acquisition?: string;
  results?: string[];
  pointers?: string[];
  /** 1 for single-page acquisitions. */
  max?: number;
  count?: string;
  assumed?: Record<string, boolean>;
  facts?: string[];
}

/**
 * Parses `int f(...) { <acquisition line>; if (<cond>) ; }` and returns the condition (outer
 * parentheses included, as the CFG keeps it) and the world of the acquisition.
 */
function setup(cond: string, o: WorldOptions = {}): { node: Node; w: ConditionWorld } {
  const name = o.acquisition ?? 'pin_user_pages_fast';
  const body = parseBody(
    `static int demo(unsigned long uaddr, int nr, int cmd, bool flag, struct page **pages)\n{\n\tstruct page *page;\n\tint ret;\n\n\tret = ${name}(uaddr, nr, 0, pages);\n\tif (${cond})\n\t\treturn 0;\n\treturn 1;\n}\n`,
  );
  const call = callTo(body, name);
  const ifs = body.descendantsOfType('if_statement')[0]!;
  const facts = o.facts ?? [];
  const w: ConditionWorld = {
    call,
    resultNames: new Set(o.results ?? ['ret']),
    pointerNames: new Set(o.pointers ?? ['pages', 'page']),
    max: o.max ?? Infinity,
    countText: o.count,
    assumed: (t) => o.assumed?.[t],
    facts: () => facts,
  };
  return { node: ifs.childForFieldName('condition')!, w };
}

const ev = (cond: string, o?: WorldOptions) => {
  const { node, w } = setup(cond, o);
  return evaluate(node, w);
};

describe('evaluate: the result of a multi-page acquisition is at least 1', () => {
  const table: Array<[string, boolean | undefined]> = [
    ['ret < 0', false],
    ['ret <= 0', false],
    ['ret > 0', true],
    ['ret >= 1', true],
    ['ret > 0x0', true],
    ['!ret', false],
    ['ret', true],
    ['ret == -EFAULT', false],
    ['ret != -ENOMEM', true],
    ['ret != 1', undefined],
    ['ret == 1', undefined],
    ['ret != nr', undefined],
    ['ret < nr', undefined],
    ['ret < 0 || ret != nr', undefined],
    ['ret < 0 || !pages', false],
    ['ret > 0 && pages', true],
    ['ret > 0 && flag', undefined],
    ['ret < 0 && flag', false],
    ['ret > 0 || flag', true],
    ['likely(ret > 0)', true],
    ['unlikely(ret <= 0)', false],
    ['WARN_ON(ret < 0)', false],
    ['WARN_ON_ONCE(!ret)', false],
    ['flag', undefined],
    ['!flag', undefined],
  ];
  for (const [cond, want] of table) {
    test(`${cond} → ${want}`, () => assert.equal(ev(cond), want));
  }
});

describe('evaluate: single-page acquisitions return exactly 1', () => {
  test('ret != 1 → false, ret == 1 → true, ret > 1 → false', () => {
    assert.equal(ev('ret != 1', { max: 1 }), false);
    assert.equal(ev('ret == 1', { max: 1 }), true);
    assert.equal(ev('ret > 1', { max: 1 }), false);
  });
  /** The world of the acquisition written inside the condition itself. */
  const inCondition = (cond: string, name: string): boolean | undefined => {
    const body = parseBody(
      `static int demo(unsigned long uaddr, struct page **pages)\n{\n\tstruct page *page;\n\tint ret;\n\n\tif (${cond})\n\t\treturn -EFAULT;\n\treturn 0;\n}\n`,
    );
    const call = callTo(body, name);
    const node = body.descendantsOfType('if_statement')[0]!.childForFieldName('condition')!;
    const w: ConditionWorld = {
      call,
      resultNames: new Set(),
      pointerNames: new Set(),
      max: 1,
      assumed: () => undefined,
    };
    return evaluate(node, w);
  };
  test('the call itself in the condition: pin_user_pages_fast(...) != 1 → false', () => {
    assert.equal(inCondition('pin_user_pages_fast(uaddr, 1, 0, &page) != 1', 'pin_user_pages_fast'), false);
  });
  test('an assignment in the condition: (ret = get_user_pages_fast(...)) < 0 → false', () => {
    assert.equal(inCondition('(ret = get_user_pages_fast(uaddr, 1, 0, pages)) < 0', 'get_user_pages_fast'), false);
  });
  test('!get_user_page_fast_only(...) (bool) → false; without the ! → true', () => {
    assert.equal(inCondition('!get_user_page_fast_only(uaddr, 0, &page)', 'get_user_page_fast_only'), false);
    assert.equal(inCondition('get_user_page_fast_only(uaddr, 0, &page)', 'get_user_page_fast_only'), true);
  });
  test('A && acquire(): the acquisition ran, so A held', () => {
    assert.equal(inCondition('uaddr && pin_user_pages_fast(uaddr, 1, 0, &page) == 1', 'pin_user_pages_fast'), true);
  });
});

describe('evaluate: the pages pointer is non-NULL and no error pointer', () => {
  const table: Array<[string, boolean | undefined]> = [
    ['!page', false],
    ['page', true],
    ['page == NULL', false],
    ['page != NULL', true],
    ['!pages', false],
    ['IS_ERR(page)', false],
    ['IS_ERR_OR_NULL(page)', false],
    ['!IS_ERR(page)', true],
    ['IS_ERR(other)', undefined],
    ['!other', undefined],
  ];
  for (const [cond, want] of table) {
    test(`${cond} → ${want}`, () => assert.equal(ev(cond), want));
  }
});

describe('evaluate: ret != nr with and without a prior ret < 0 check', () => {
  test('without: ret != nr is unknown (a partial pin), ret < 0 is false in the success world', () => {
    assert.equal(ev('ret != nr'), undefined);
    assert.equal(ev('ret < 0'), false);
  });
  test('with ret < 0 assumed false on the path: ret != nr is still unknown, ret < 0 still false', () => {
    const assumed = { 'ret<0': false };
    assert.equal(ev('ret != nr', { assumed }), undefined);
    assert.equal(ev('ret < 0', { assumed }), false);
    assert.equal(ev('ret < 0 || ret != nr', { assumed }), undefined);
  });
  test('an assumption on ret != nr itself decides it (the same test seen earlier on the path)', () => {
    assert.equal(ev('ret != nr', { assumed: { 'ret!=nr': false } }), false);
    assert.equal(ev('ret == nr', { assumed: { 'ret!=nr': false } }), undefined);
  });
});

describe('evaluate: once the result is dead, nothing is known about it', () => {
  test('ret < 0 with no live result names → undefined', () => {
    assert.equal(ev('ret < 0', { results: [] }), undefined);
  });
  test('an alias of the result counts as the result', () => {
    assert.equal(ev('got < 0', { results: ['ret', 'got'] }), false);
  });
});

describe('evaluate: assumptions and switch facts on the path', () => {
  test('a condition assumed earlier on the path takes the same value', () => {
    assert.equal(ev('flag', { assumed: { flag: true } }), true);
    assert.equal(ev('!flag', { assumed: { flag: true } }), false);
    assert.equal(ev('flag && ret > 0', { assumed: { flag: false } }), false);
  });
  test('the case taken fixes the switch value: cmd == DEMO_A true, cmd == DEMO_B false', () => {
    const facts = ['cmd==DEMO_A'];
    assert.equal(ev('cmd == DEMO_A', { facts }), true);
    assert.equal(ev('cmd == DEMO_B', { facts }), false);
    assert.equal(ev('cmd != DEMO_B', { facts }), true);
    assert.equal(ev('cmd == 2', { facts: ['cmd==1'] }), false);
  });
  test('a switch fact says nothing about a non-constant comparison', () => {
    assert.equal(ev('cmd == nr', { facts: ['cmd==DEMO_A'] }), undefined);
    assert.equal(ev('cmd == DEMO_A'), undefined);
  });
});

describe('provesFull: which side shows every requested page was taken', () => {
  const full = (cond: string, count: string | null = 'nr') => {
    const { node, w } = setup(cond, { count: count ?? undefined });
    return provesFull(node, w);
  };
  test('ret == nr: on true; ret != nr and ret < nr: on false', () => {
    assert.deepEqual(full('ret == nr'), { onTrue: true, onFalse: false });
    assert.deepEqual(full('ret != nr'), { onTrue: false, onFalse: true });
    assert.deepEqual(full('ret < nr'), { onTrue: false, onFalse: true });
    assert.deepEqual(full('ret >= nr'), { onTrue: true, onFalse: false });
  });
  test('the count on the left: nr == ret on true, nr > ret on false', () => {
    assert.deepEqual(full('nr == ret'), { onTrue: true, onFalse: false });
    assert.deepEqual(full('nr > ret'), { onTrue: false, onFalse: true });
  });
  test('negation and || / && combine sides', () => {
    assert.deepEqual(full('!(ret == nr)'), { onTrue: false, onFalse: true });
    assert.deepEqual(full('ret < 0 || ret != nr'), { onTrue: false, onFalse: true });
    assert.deepEqual(full('flag && ret == nr'), { onTrue: true, onFalse: false });
  });
  test('another count, another variable or no count known proves nothing', () => {
    const none = { onTrue: false, onFalse: false };
    assert.deepEqual(full('ret == cmd'), none);
    assert.deepEqual(full('flag == nr'), none);
    assert.deepEqual(full('ret == nr', null), none);
    assert.deepEqual(full('ret > nr'), none);
  });
});

describe('isPure: only conditions without calls or side effects are remembered', () => {
  const cond = (c: string) => unwrap(setup(c).node);
  test('pure', () => {
    assert.equal(isPure(cond('flag && cmd > 0')), true);
    assert.equal(isPure(cond('!page')), true);
  });
  test('not pure', () => {
    assert.equal(isPure(cond('demo_check(page)')), false);
    assert.equal(isPure(cond('cmd++ < nr')), false);
    assert.equal(isPure(cond('(ret = demo_check(page))')), false);
    assert.equal(isPure(cond('flag && demo_busy()')), false);
  });
  test('the text a condition is remembered under has no white space', () => {
    assert.equal(squash(unwrap(setup('ret  <   nr').node).text), 'ret<nr');
  });
});

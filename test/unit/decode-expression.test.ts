/** The C constant-expression evaluator: C typing and wrap-around, casts, errors, bounds. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CExpressionError,
  evaluateCExpression,
  MAX_EXPRESSION_LENGTH,
  tryEvaluateCExpression,
} from '../../server/src/core/decode-expression.ts';

const ev = (s: string, names = {}) => evaluateCExpression(s, { names });
const val = (s: string, names = {}) => ev(s, names).value;

describe('evaluateCExpression', () => {
  it('literals: decimal, hex, octal, binary, suffixes, with C types', () => {
    assert.equal(val('1027'), 1027n);
    assert.equal(val('0x400'), 1024n);
    assert.equal(val('0400'), 256n);
    assert.equal(val('0b101'), 5n);
    assert.equal(ev('1').type.name, 'int');
    assert.equal(ev('1U').type.name, 'unsigned int');
    assert.equal(ev('1UL').type.name, 'unsigned long');
    assert.equal(ev('1ull').type.name, 'unsigned long');
    assert.equal(ev('0xffffffff').type.name, 'unsigned int');
    assert.equal(ev('4294967295').type.name, 'long');
    assert.equal(ev('2147483648').type.name, 'long');
    assert.deepEqual(ev('0400').warnings, ['0400 is octal in C (= 256)']);
  });

  it('operators with C precedence and associativity', () => {
    assert.equal(val('3 * 1024 + 1'), 3073n);
    assert.equal(val('1 + 2 * 3'), 7n);
    assert.equal(val('(1 + 2) * 3'), 9n);
    assert.equal(val('10 - 4 - 3'), 3n);
    assert.equal(val('1 << 10 | 3'), 1027n);
    assert.equal(val('0xff & ~0x0f'), 0xf0n);
    assert.equal(val('6 ^ 3'), 5n);
    assert.equal(val('-7 / 2'), -3n, 'truncates toward zero');
    assert.equal(val('-7 % 2'), -1n, 'sign of the dividend');
    assert.equal(val('1 < 2 && 3 >= 3'), 1n);
    assert.equal(val('!0 + !5'), 1n);
  });

  it('the bias expressions a hover sees', () => {
    const names = {
      GUP_PIN_COUNTING_BIAS: { value: 1024n, type: { name: 'unsigned int', bits: 32 as const, unsigned: true } },
    };
    assert.equal(val('3 * GUP_PIN_COUNTING_BIAS + 1', names), 3073n);
    assert.equal(val('(1U << 10) * 2'), 2048n);
    assert.equal(ev('GUP_PIN_COUNTING_BIAS - 1025', names).value, 4294967295n, 'unsigned int arithmetic wraps');
  });

  it('wrap-around, promotions and casts follow C (LP64)', () => {
    assert.equal(val('(int)0xffffffff'), -1n);
    assert.equal(val('(unsigned int)-1'), 4294967295n);
    assert.equal(val('(u8)300'), 44n);
    assert.equal(val('(s16)0x8000'), -32768n);
    assert.equal(val('0U - 1'), 4294967295n);
    assert.equal(val('0UL - 1'), 18446744073709551615n);
    assert.equal(val('-1 < 0U'), 0n, '-1 converts to unsigned int');
    assert.equal(val('-1L < 0U'), 1n, 'long holds every unsigned int');
    assert.equal(val('1UL << 32'), 4294967296n);
    assert.equal(ev('(unsigned long)1 << 40').type.name, 'unsigned long');
    assert.equal(ev('(u8)1 + (u8)1').type.name, 'int', 'small types promote to int');
  });

  it('errors: clear messages, never a crash', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /empty/],
      ['1 +', /ends too early/],
      ['(1', /missing '\)'/],
      ['1 2', /unexpected '2'/],
      ['1/0', /division by zero/],
      ['1 % 0', /division by zero/],
      ['1 << 32', /shift by 32 is undefined for int/],
      ['1 << -1', /shift by -1/],
      ['foo', /unknown name 'foo'/],
      ['09', /not a valid octal/],
      ['1.5', /not a C integer/],
      ['1 = 2', /unexpected character '='/],
      ['0x1ffffffffffffffff', /too large/],
      ['1uu', /bad integer suffix/],
      ['(struct page)1', /unexpected|unknown/],
    ];
    for (const [text, re] of bad) {
      assert.throws(
        () => ev(text),
        (e: unknown) => e instanceof CExpressionError && re.test(e.message),
        text,
      );
    }
    assert.equal(tryEvaluateCExpression('nope'), undefined);
    assert.equal(tryEvaluateCExpression('2 * 2')?.value, 4n);
  });

  it('bounded: long input and deep nesting are refused, not recursed into', () => {
    assert.throws(() => ev('1+'.repeat(MAX_EXPRESSION_LENGTH) + '1'), /longer than/);
    assert.throws(() => ev('('.repeat(200) + '1' + ')'.repeat(200)), /nested more than/);
    assert.throws(() => ev('-'.repeat(200) + '1'), /nested more than/);
    assert.equal(val('('.repeat(20) + '1' + ')'.repeat(20)), 1n);
  });
});

describe('evaluateCExpression on random input', () => {
  it('either evaluates or throws CExpressionError, for 5,000 random token strings', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const tokens = [
      '1',
      '0',
      '0x400',
      '1U',
      '7UL',
      '010',
      '(',
      ')',
      '(int)',
      '(unsigned int)',
      '(u8)',
      '+',
      '-',
      '*',
      '/',
      '%',
      '<<',
      '>>',
      '&',
      '|',
      '^',
      '~',
      '!',
      '&&',
      '||',
      '<',
      '==',
      'GUP_PIN_COUNTING_BIAS',
      'x',
      ' ',
      '9999999999999999999',
      '?',
      ',',
    ];
    const names = { GUP_PIN_COUNTING_BIAS: 1024 };
    let evaluated = 0;
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: 1 + rand(12) }, () => tokens[rand(tokens.length)]).join('');
      try {
        const r = evaluateCExpression(text, { names });
        assert.equal(typeof r.value, 'bigint', text);
        evaluated++;
      } catch (e) {
        assert.ok(e instanceof CExpressionError, `${text}: ${String(e)}`);
      }
    }
    assert.ok(evaluated > 100, `only ${evaluated} evaluated: the generator should make valid expressions too`);
  });
});

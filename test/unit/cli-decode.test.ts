/** `gup-review decode`: the table, --json, several values, --bias, errors. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { runCli } from './cli-support.ts';

describe('gup-review decode', () => {
  it('prints a compact table for one value', () => {
    const r = runCli(['decode', '1027']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1027: 1 pin, 3 refs/);
    assert.match(r.stdout, /^\s+value\s+1,027 = 0x00000403, signed 1,027$/m);
    assert.match(r.stdout, /^\s+bias\s+1,024 \(GUP_PIN_COUNTING_BIAS\)$/m);
    assert.match(r.stdout, /^\s+pins\s+1 \(an upper bound\)$/m, 'said once, not "1 (≤ 1: an upper bound)"');
    assert.match(r.stdout, /^\s+refs\s+3$/m);
    assert.match(r.stdout, /^\s+ambiguous\s+yes$/m);
  });

  it('a value that does not fit the 32-bit counter is an error (non-zero exit), not a "free page"', () => {
    for (const v of ['4294967296', '0x100000003', '-2147483649']) {
      const r = runCli(['decode', v]);
      assert.notEqual(r.code, 0, `${v}: exit ${r.code}`);
      assert.match(r.stderr, /does not fit page->_refcount: it is a 32-bit atomic_t/);
      assert.doesNotMatch(r.stdout, /free page/);
    }
    const max = runCli(['decode', '4294967295']);
    assert.equal(max.code, 0, 'the largest 32-bit value still decodes');
  });

  it('--json has value, bias, pins, refs, ambiguous and notes', () => {
    const r = runCli(['decode', '--json', '0x400']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['value', 'bias', 'pins', 'refs', 'ambiguous', 'notes']) assert.ok(k in j, k);
    assert.deepEqual([j.value, j.bias, j.pins, j.refs, j.ambiguous], [1024, 1024, 1, 0, true]);
    assert.ok(Array.isArray(j.notes));
  });

  it('several values (negative ones too) → an array in order', () => {
    const r = runCli(['decode', '--json', '1', '-1024', 'refcount:2050']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Array<{ value: number; pins: number; refs: number; signed32: number }>;
    assert.deepEqual(
      j.map((x) => x.signed32),
      [1, -1024, 2050],
    );
    assert.deepEqual([j[2]!.pins, j[2]!.refs], [2, 2]);
  });

  it('decodes a quoted dump_page line and a C expression', () => {
    const r = runCli([
      'decode',
      'page:0000000012345678 refcount:3073 mapcount:1 mapping:0000000000000000 index:0x0 pfn:0x10',
      '3 * GUP_PIN_COUNTING_BIAS + 1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/3 pins, 1 ref/g)?.length, 2);
    assert.match(r.stdout, /mapcount\s+1/);
  });

  it('--bias and --api', () => {
    const r = runCli(['decode', '--json', '--bias', '512', '1025']);
    assert.deepEqual((({ bias, pins, refs }) => [bias, pins, refs])(JSON.parse(r.stdout)), [512, 2, 1]);
    const era = runCli(['decode', '--api', 'put_user_page', '1024']);
    assert.match(era.stdout, /5\.2–5\.6/);
    const bad = runCli(['decode', '--bias', 'lots', '1']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, "gup-review: --bias expects a number, not 'lots'\n");
  });

  it('garbage: one clear line on stderr, exit 2, the good values still printed', () => {
    const r = runCli(['decode', '1025', 'garbage']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    assert.match(r.stderr, /^gup-review: cannot decode "garbage": /);
    assert.match(r.stdout, /^1025: 1 pin, 1 ref/);
    const none = runCli(['decode']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^gup-review: missing required argument 'value'\n$/);
  });
});

/** Refcount decoding with the GUP pin bias (domain.md §2): the edges, dump_page lines, eras, bad input. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_GUP_PIN_COUNTING_BIAS } from '../../server/src/core/api-table.ts';
import { biasFromHeader } from '../../server/src/core/api-model.ts';
import { decodeRefcount, DecodeInputError } from '../../server/src/core/decode.ts';

const d = (v: string | number, opts = {}) => decodeRefcount(v, opts);
const has = (notes: string[], re: RegExp) =>
  assert.ok(
    notes.some((n) => re.test(n)),
    `no note matches ${re}:\n${notes.join('\n')}`,
  );

describe('decodeRefcount', () => {
  it('uses 1 << 10 by default', () => {
    assert.equal(DEFAULT_GUP_PIN_COUNTING_BIAS, 1024);
    assert.equal(d(1).bias, 1024);
  });

  it('0 is a free page', () => {
    const r = d('0');
    assert.deepEqual([r.pins, r.refs, r.ambiguous, r.maybePinned], [0, 0, false, false]);
    has(r.notes, /free page/);
  });

  it('1 and 1023: references only, exact', () => {
    assert.deepEqual([d('1').pins, d('1').refs, d('1').ambiguous], [0, 1, false]);
    const r = d('1023');
    assert.deepEqual([r.pins, r.refs, r.ambiguous, r.maybePinned], [0, 1023, false, false]);
  });

  it('1024 / 0x400 / 1025 / 3073: pins with an upper-bound caveat, maybe pinned', () => {
    for (const v of ['1024', '0x400']) {
      const r = d(v);
      assert.deepEqual(
        [r.value, r.pins, r.refs, r.maybePinned, r.ambiguous, r.pinsAtMost],
        [1024, 1, 0, true, true, 1],
        v,
      );
    }
    const r1025 = d('1025');
    assert.deepEqual([r1025.pins, r1025.refs], [1, 1]);
    const r3073 = d('3073');
    assert.deepEqual([r3073.pins, r3073.refs, r3073.pinsAtMost], [3, 1, 3]);
    assert.match(r3073.summary, /3 pins, 1 ref .*≤ 3 pins/);
    has(r3073.notes, /large folios/);
  });

  it('0x00C00003: 12,288 pins and 3 refs', () => {
    const r = d('0x00C00003');
    assert.deepEqual([r.value, r.pins, r.refs, r.hex32], [0xc00003, 12288, 3, '0x00c00003']);
  });

  it('2^31 − 1: the last positive value, 2,097,151 pins, at the signed limit', () => {
    const r = d(String(2 ** 31 - 1));
    assert.deepEqual([r.pins, r.refs, r.signed32, r.fits32], [2097151, 1023, 2 ** 31 - 1, true]);
    has(r.notes, /beyond 2,097,151 pins the signed counter goes negative/);
  });

  it('-1: negative, one release too many or overflow', () => {
    const r = d('-1');
    assert.equal(r.signed32, -1);
    assert.equal(r.unsigned32, 2 ** 32 - 1);
    assert.equal(r.ambiguous, true);
    assert.match(r.summary, /negative/);
    has(r.notes, /overflow|released once too often/);
    has(r.notes, /1 reference dropped too many/);
  });

  it('-1024: exactly one bias below zero, the mark of an unpin of unpinned pages', () => {
    const r = d('-1024');
    assert.equal(r.signed32, -1024);
    has(r.notes, /exactly one bias/);
    has(r.notes, /unpin_user_page\* on pages from get_user_pages\*/);
  });

  it('2^32 − 1: read signed as -1, the 4,194,304-pin limit if unsigned', () => {
    const r = d(String(2 ** 32 - 1));
    assert.deepEqual([r.fits32, r.signed32, r.pins, r.refs], [true, -1, 4194303, 1023]);
    has(r.notes, /4,194,304/);
    has(r.notes, /above 2\^31 − 1/);
  });

  it('2^32 and beyond: does not fit a 32-bit atomic_t, an input error (not "free page")', () => {
    for (const v of [String(2 ** 32), '0x100000400', '1UL << 40', String(-(2 ** 31) - 1)]) {
      assert.throws(
        () => d(v),
        (e: Error) => {
          assert.ok(e instanceof DecodeInputError, `${v}: ${e.name}`);
          assert.match(e.message, /does not fit page->_refcount: it is a 32-bit atomic_t/);
          return true;
        },
      );
    }
    assert.throws(() => decodeRefcount(2 ** 32), DecodeInputError);
    assert.equal(d(String(2 ** 32 - 1)).fits32, true);
  });

  it('reads refcount:N and the old count:N', () => {
    const r = d('refcount:2050');
    assert.deepEqual([r.source, r.field, r.pins, r.refs], ['dump_page', 'refcount', 2, 2]);
    const old = d('page:ffff88800a0b0c00 count:3 mapcount:1 mapping:0000000000000000 index:0x0');
    assert.deepEqual([old.field, old.value, old.mapcount], ['count', 3, 1]);
  });

  it('reads a whole dump_page line; mapcount does not count as the refcount', () => {
    const line =
      'page:00000000b5a1c2d3 refcount:1027 mapcount:1 mapping:0000000000000000 index:0x7f0a2b3c4 pfn:0x1a2b3c';
    const r = d(line);
    assert.deepEqual([r.value, r.pins, r.refs, r.mapcount], [1027, 1, 3, 1]);
    const reversed = d('mapcount:7 refcount:9');
    assert.equal(reversed.value, 9);
  });

  it('a mapcount of the bias or more proves the high bits are references', () => {
    const r = d('page:x refcount:5000 mapcount:4000 mapping:y');
    assert.deepEqual([r.pins, r.refs, r.pinsAtMost, r.ambiguous], [0, 5000, 0, false]);
    const some = d('page:x refcount:6200 mapcount:1100 mapping:y');
    assert.equal(some.pinsAtMost, 4);
    assert.ok(some.pinsAtMost < Math.floor(6200 / 1024));
  });

  it('compound pages: pincount:N / compound_pincount:N are the exact pin count', () => {
    const r = d(
      'page:x refcount:5 mapcount:0 mapping:y index:0x0 pfn:0x1 head:z order:9 compound_mapcount:0 compound_pincount:2',
    );
    assert.deepEqual(
      [r.pins, r.pincount, r.pincountField, r.ambiguous, r.maybePinned],
      [2, 2, 'compound_pincount', false, true],
    );
    has(r.notes, /bias decode does not apply/);
    const r63 = d(
      'page: refcount:4 mapcount:0 mapping:y index:0x0 pfn:0x1 head:z order:2 entire_mapcount:0 nr_pages_mapped:0 pincount:3',
    );
    assert.deepEqual([r63.pins, r63.pincountField], [3, 'pincount']);
  });

  it('C expressions: 3 * GUP_PIN_COUNTING_BIAS + 1, (1U << 10) * 2', () => {
    assert.deepEqual([d('3 * GUP_PIN_COUNTING_BIAS + 1').pins, d('3 * GUP_PIN_COUNTING_BIAS + 1').refs], [3, 1]);
    assert.equal(d('(1U << 10) * 2').value, 2048);
    assert.equal(d('3 * GUP_PIN_COUNTING_BIAS + 1').source, 'expression');
  });

  it('honours another bias (a tree that defines it differently)', () => {
    const r = d('1025', { bias: 512 });
    assert.deepEqual([r.bias, r.pins, r.refs], [512, 2, 1]);
    assert.equal(d('GUP_PIN_COUNTING_BIAS', { bias: 512 }).value, 512);
    assert.equal(biasFromHeader('#define GUP_PIN_COUNTING_BIAS (1U << 10)\n'), 1024);
  });

  it('the put_user_page model explains the 5.2–5.6 era and the RFC test', () => {
    const r = d('1024', { model: 'put_user_page' });
    assert.equal(r.model, 'put_user_page');
    has(r.notes, /5\.2–5\.6 .*adds 1/);
    has(r.notes, /exactly the bias read as not pinned/);
    assert.ok(!d('1024').notes.some((n) => /5\.2–5\.6/.test(n)), 'no era note in the upstream model');
  });

  it('garbage input: a clear DecodeInputError', () => {
    for (const bad of ['garbage', '', '   ', '12abc', '1 +', '0x', '1/0', 'refcount:', '09']) {
      assert.throws(() => d(bad), DecodeInputError, JSON.stringify(bad));
    }
    assert.throws(() => d('garbage'), /cannot decode "garbage"/);
    assert.throws(() => d('1', { bias: 0 }), DecodeInputError);
  });
});

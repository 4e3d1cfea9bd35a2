/**
 * The SIMD needle scan (needle-scan.ts) finds exactly what Buffer.indexOf finds, needle by
 * needle: every start, at the edges of the buffer, overlapping, two needles at one place, in
 * buffers larger than the scanner's memory; and the prefilter gives the same answers with it as
 * with indexOf.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { needleScanner } from '../../server/src/project/needle-scan.ts';
import { namesAcquisition, namesAcquisitionByIndexOf } from '../../server/src/project/prefilter.ts';

function byIndexOf(buf: Buffer, needles: readonly Buffer[]): string[] {
  const out: string[] = [];
  needles.forEach((n, k) => {
    for (let at = buf.indexOf(n); at !== -1; at = buf.indexOf(n, at + 1)) out.push(`${at}:${k}`);
  });
  return out.sort();
}

function byScan(buf: Buffer, needles: readonly Buffer[]): string[] {
  const scanner = needleScanner(needles);
  assert.ok(scanner, 'WebAssembly SIMD is available in Node 20');
  const out: string[] = [];
  assert.equal(
    scanner.some(buf, (at, k) => {
      out.push(`${at}:${k}`);
      return false;
    }),
    false,
  );
  return out.sort();
}

// A small deterministic generator, so that a failure can be reproduced.
function* random(seed: number): Generator<number> {
  for (;;) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    yield seed >>> 8;
  }
}

describe('needle scan', () => {
  const needles = ['page', 'd_pin', 'gup_longterm_locked', 'aa', 'x'].map((s) => Buffer.from(s, 'latin1'));

  it('finds every start of every needle, as indexOf does', () => {
    const rnd = random(7);
    const alphabet = 'pagedinu_lotrmckax';
    for (let t = 0; t < 400; t++) {
      const len = rnd.next().value % 300;
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[rnd.next().value % alphabet.length];
      const buf = Buffer.from(s, 'latin1');
      assert.deepEqual(byScan(buf, needles), byIndexOf(buf, needles), s);
    }
  });

  it('at the very start and end, overlapping, and in a buffer larger than its first memory', () => {
    for (const s of ['page', 'xpage', 'gup_longterm_locked', 'aaaa', 'd_pi', 'pag', '']) {
      const buf = Buffer.from(s, 'latin1');
      assert.deepEqual(byScan(buf, needles), byIndexOf(buf, needles), s);
    }
    const big = Buffer.alloc(200_000, 'b');
    big.write('page', 0, 'latin1');
    big.write('d_pin', 70_000, 'latin1');
    big.write('gup_longterm_locked', big.length - 19, 'latin1');
    assert.deepEqual(byScan(big, needles), byIndexOf(big, needles));
    assert.equal(byScan(big, needles).length, 3);
  });

  it('stops at the first hit the caller accepts', () => {
    const scanner = needleScanner(needles)!;
    const seen: number[] = [];
    assert.equal(
      scanner.some(Buffer.from('x page x', 'latin1'), (at) => {
        seen.push(at);
        return at === 2;
      }),
      true,
    );
    assert.deepEqual(seen, [0, 2]);
  });

  it('the prefilter answers the same with it as with indexOf', () => {
    const rnd = random(11);
    const words = ['get_user_pages', 'pin_user_pages_fast', 'page', 'd_pin', 'memfd_pin_folios', 'x_', ' ', '\n', '('];
    for (let t = 0; t < 300; t++) {
      let s = '';
      const n = rnd.next().value % 12;
      for (let i = 0; i < n; i++) s += words[rnd.next().value % words.length];
      const buf = Buffer.from(s, 'latin1');
      assert.equal(namesAcquisition(buf), namesAcquisitionByIndexOf(buf), s);
    }
  });
});

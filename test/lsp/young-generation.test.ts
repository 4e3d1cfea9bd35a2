/** The young generation cap: the factor follows the new space's size, and V8 honours it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import { YoungGenerationCap } from '../../server/src/lsp/young-generation.ts';

const MB = 1024 * 1024;

test('sets growth factor 1 at the cap and 2 below it, only when it crosses', () => {
  const sizes = [1, 4, 8, 9, 12, 3, 2, 8];
  const set: number[] = [];
  let k = 0;
  const cap = new YoungGenerationCap({
    capMb: 8,
    newSpaceSize: () => sizes[k++]! * MB,
    setGrowthFactor: (f) => set.push(f),
  });
  for (let i = 0; i < sizes.length; i++) cap.check();
  assert.deepEqual(set, [1, 2, 1]);
  cap.stop();
  assert.deepEqual(set, [1, 2, 1, 2], 'stop() gives V8 its default back');
});

test('a size V8 does not give leaves the factor alone', () => {
  const set: number[] = [];
  const cap = new YoungGenerationCap({ newSpaceSize: () => undefined, setGrowthFactor: (f) => set.push(f) });
  cap.check();
  assert.deepEqual(set, []);
});

test('in this V8, the new space stops growing at the cap and grows past it without', () => {
  const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
  // Allocation with some survivors, as an analysis burst makes: V8 grows the space when a
  // scavenge keeps much of it.
  const churn = (rounds: number, each: () => void) => {
    const keep: unknown[][] = [];
    for (let i = 0; i < rounds; i++) {
      const a: unknown[] = [];
      for (let j = 0; j < 2000; j++) a.push({ i, j, s: `x${j}` });
      if (i % 10 === 0) keep.push(a);
      if (keep.length > 50) keep.shift();
      if (i % 20 === 0) each();
    }
  };
  const capMb = 4;
  const capped = new YoungGenerationCap({ capMb });
  let maxCapped = 0;
  churn(4000, () => {
    capped.check();
    maxCapped = Math.max(maxCapped, newSpace());
  });
  capped.stop();
  let maxFree = 0;
  churn(4000, () => (maxFree = Math.max(maxFree, newSpace())));
  assert.ok(maxCapped <= capMb * MB, `capped: the new space reached ${maxCapped / MB} MB`);
  assert.ok(maxFree > capMb * MB, `uncapped: the new space stayed at ${maxFree / MB} MB (the test shows nothing)`);
});

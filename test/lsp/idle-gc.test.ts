/**
 * The idle collector (lsp/idle-gc.ts): a full collection once the server has been idle after
 * work, never while work keeps coming, and only when the heap grew since the last one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fullCollection, IdleCollector } from '../../server/src/lsp/idle-gc.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('collects once the work stops for the idle time, not while touches keep coming', async () => {
  let calls = 0;
  // Touches every 20 ms against 250 ms of idle time: a wide margin for a loaded machine's timers.
  const idle = new IdleCollector({ collect: () => calls++, idleMs: 250, minGrowthMb: 0 });
  for (let i = 0; i < 10; i++) {
    idle.touch();
    await sleep(20);
  }
  assert.equal(calls, 0, 'touched every 20 ms: never idle for 250 ms');
  await sleep(750);
  assert.equal(idle.collections, 1);
  assert.equal(calls, 2, 'one idle collection is two full collections');
  await sleep(500);
  assert.equal(idle.collections, 1, 'no work since: no second one');
  idle.dispose();
});

test('does nothing when the heap did not grow by the threshold', async () => {
  let calls = 0;
  const idle = new IdleCollector({ collect: () => calls++, idleMs: 30, minGrowthMb: 1024 });
  idle.touch();
  await sleep(100);
  assert.equal(calls, 0);
  idle.dispose();
});

test("V8's full collection is available at run time and frees garbage", () => {
  const gc = fullCollection();
  assert.ok(gc, 'gc() from --expose-gc set at run time');
  let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `x${i}` }));
  const withGarbage = process.memoryUsage().heapUsed;
  garbage = undefined;
  gc();
  assert.equal(garbage, undefined);
  assert.ok(process.memoryUsage().heapUsed < withGarbage - 4 * 1024 * 1024, 'the heap shrank by the garbage');
});

/**
 * Short edit fuzz of the real server (the long form is `npm run fuzz`): 300 random incremental
 * edits over three corpus files with a fixed seed, diagnostics compared with a fresh server at
 * every checkpoint, random requests in between, memory bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runEditFuzz } from './edit-fuzz.ts';

const SEED = 20261125;

test('300 random incremental edits: the server publishes what a fresh open publishes, answers every request, stays bounded', async () => {
  const report = await runEditFuzz({ seed: SEED, edits: 300, checkpointEvery: 50, files: 3, maxRssGrowthMb: 150 });
  assert.equal(report.edits, 300);
  assert.ok(report.checkpoints >= 7, `checkpoints: ${report.checkpoints}`);
  // The corpus has findings: a run that compared nothing would prove nothing.
  assert.ok(report.diagnosticsCompared > 0, 'no diagnostics were compared');
  assert.ok(report.requests > 0, 'no requests were sent');
});

/**
 * The ownership pass of `check` on directory and multi-file runs. The first pass gave each
 * analysed C file's FileFacts; they go into an OwnershipIndex (core/ownership). Files of the same
 * directories that mention a field those acquisitions fill and name a release join it (a
 * teardown.c that names no acquisition was skipped by the prefilter). Then every file the index
 * concerns is checked again with the other files' view: a put_page() in reset.c of pages pinned
 * in main.c is reported at the release, with main.c's acquisition as related location. Both
 * steps are passes of `run` (the first pass's worker pool, or this thread), each item carrying
 * its directory's mate test or its view as plain data.
 */
import * as fs from 'node:fs';
import { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { mateTestsFor } from '../project/module-files.ts';
import type { CheckInput } from '../project/walk.ts';
import type { CheckFileResult } from './check-file.ts';
import type { CheckItem, PassOptions } from './worker-pool.ts';

/** Checks items, results in item order (a worker pool's run, or runHere). */
export type RunPass = (items: readonly CheckItem[], opts: PassOptions) => Promise<CheckFileResult[]>;

/** Runs the ownership pass over the first pass's results (replaced in place); returns the index. */
export async function ownershipPass(
  inputs: readonly CheckInput[],
  results: CheckFileResult[],
  run: RunPass,
): Promise<OwnershipIndex> {
  const index = new OwnershipIndex();
  // One walk over the inputs (55k on a whole tree, on the critical path: the workers wait).
  const pathOf = new Map<string, string>();
  const skipped: number[] = [];
  inputs.forEach((input, i) => {
    const r = results[i];
    if (r?.facts) {
      index.set(input.display, r.facts);
      pathOf.set(input.display, input.path);
    } else if (r?.status === 'skipped') skipped.push(i);
  });
  // Module-mates: skipped files of the indexed files' directories that release their pages,
  // tested where they are read. Facts only: a mate names no acquisition, so only the other
  // files' view can give it findings. They join the index in input order.
  const candidates = mateTestsFor(
    skipped.map((i) => inputs[i]!.path),
    index,
    (d) => pathOf.get(d) ?? d,
  ).map(({ at, test }) => ({ i: skipped[at]!, test }));
  const mates = await run(
    candidates.map(({ i, test }) => ({ ...inputs[i]!, extra: { mate: test, force: true, factsOnly: true } })),
    // Most candidates fail their test on a read and a regex (~60 µs); a few are analysed. Batches
    // of 16 left the worker waiting for the main thread between them; 64 took the pass over the
    // 6.1 tree (1,906 candidates, 29 mates) from ~190 to ~170 ms on two cores.
    { maxBatch: 64 },
  );
  candidates.forEach(({ i }, k) => {
    const r = mates[k]!;
    if (r.facts) {
      results[i] = r;
      index.set(inputs[i]!.display, r.facts);
    }
  });

  // Every file whose fields another file fills or releases: checked again with their view.
  const again = inputs.flatMap((input, i) => {
    const first = results[i];
    const view = first?.facts ? index.plainViewFor(input.display) : undefined;
    if (!view) return [];
    const model = first?.report?.model;
    const item: CheckItem = { ...input, extra: { force: true, view, ...(model ? { model } : {}) } };
    return [{ i, item, size: sizeOf(input.path) }];
  });
  // Each is an analysis: one at a time, the largest first, so that the threads end together.
  again.sort((a, b) => b.size - a.size);
  const rechecked = await run(
    again.map((a) => a.item),
    { maxBatch: 1 },
  );
  again.forEach(({ i }, k) => (results[i] = rechecked[k]!));
  return index;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

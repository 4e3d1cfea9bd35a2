/**
 * The ownership pass of `check` on directory and multi-file runs. The first pass gave each
 * analysed C file's FileFacts; they go into an OwnershipIndex (core/ownership). Files of the same
 * directories that mention a field those acquisitions fill and name a release join it (a
 * teardown.c that names no acquisition was skipped by the prefilter). Then every file the index
 * concerns is checked again with the other files' view: a put_page() in reset.c of pages pinned
 * in main.c is reported at the release, with main.c's acquisition as related location.
 */
import { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { moduleMates } from '../project/module-files.ts';
import type { CheckInput } from '../project/walk.ts';
import { checkFile, type CheckFileResult, type CheckRunOptions } from './check-file.ts';

/** Runs the ownership pass over the first pass's results (replaced in place); returns the index. */
export async function ownershipPass(
  inputs: readonly CheckInput[],
  results: CheckFileResult[],
  options: CheckRunOptions,
): Promise<OwnershipIndex> {
  const index = new OwnershipIndex();
  inputs.forEach((input, i) => {
    const facts = results[i]?.facts;
    if (facts) index.set(input.display, facts);
  });
  // Module-mates: skipped files of the indexed files' directories that release their pages.
  const pathOf = new Map(inputs.map((input) => [input.display, input.path]));
  const skipped = inputs.filter((input, i) => results[i]?.status === 'skipped').map((input) => input.path);
  const mates = new Set(moduleMates(skipped, index, (d) => pathOf.get(d) ?? d));
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (!mates.has(input.path)) continue;
    // Facts only: a mate names no acquisition, so only the other files' view can give it findings.
    const r = await checkFile(input.path, input.display, input.explicit, options, { force: true, factsOnly: true });
    if (r.facts) {
      results[i] = r;
      index.set(input.display, r.facts);
    }
  }

  // Every file whose fields another file fills or releases: checked again with their view.
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const first = results[i];
    const view = first?.facts ? index.viewFor(input.display) : undefined;
    if (!view) continue;
    const model = first?.report?.model;
    results[i] = await checkFile(input.path, input.display, input.explicit, options, {
      force: true,
      ...view,
      ...(model ? { model } : {}),
    });
  }
  return index;
}

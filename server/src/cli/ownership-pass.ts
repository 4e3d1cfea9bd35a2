/**
 * The ownership pass of `check` on directory and multi-file runs. The first pass gave each
 * analysed C file's FileFacts; they go into an OwnershipIndex (core/ownership). Files of the same
 * directories that mention a field those acquisitions fill and name a release join it (a
 * teardown.c that names no acquisition was skipped by the prefilter). Then every file the index
 * concerns is checked again with the other files' view: a put_page() in reset.c of pages pinned
 * in main.c is reported at the release, with main.c's acquisition as related location.
 */
import * as path from 'node:path';
import { RELEASES } from '../core/api-table.ts';
import { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { readRegularFileShared } from '../project/read-source.ts';
import type { CheckInput } from '../project/walk.ts';
import { checkFile, type CheckFileResult, type CheckRunOptions } from './check-file.ts';

const RELEASE_RE = new RegExp(`\\b(?:${RELEASES.map((r) => r.name).join('|')})\\b`);

/** Whether a file's text mentions one of the member names and names a release. */
function mentions(file: string, names: RegExp): boolean {
  try {
    const text = readRegularFileShared(file).toString('latin1');
    return names.test(text) && RELEASE_RE.test(text);
  } catch {
    return false;
  }
}

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
  const names = [...index.acquiredFieldNames()];
  if (names.length === 0) return index;

  // Module-mates: skipped files of the directories whose files fill a field, that touch one.
  const byDisplay = new Map(inputs.map((input, i) => [input.display, i]));
  const dirs = new Set([...index.filesFillingFields()].map((d) => path.dirname(inputs[byDisplay.get(d)!]!.path)));
  const member = new RegExp(`(?:->|\\.)\\s*(?:${names.join('|')})\\b`);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (results[i]?.status !== 'skipped' || !/\.c$/.test(input.path) || !dirs.has(path.dirname(input.path))) continue;
    if (!mentions(input.path, member)) continue;
    const r = await checkFile(input.path, input.display, input.explicit, options, { force: true });
    results[i] = r;
    if (r.facts) index.set(input.display, r.facts);
  }

  // Every file whose fields another file fills or releases: checked again with their view.
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const first = results[i];
    if (!first?.facts || !index.concerns(input.display)) continue;
    const model = first.report?.model;
    results[i] = await checkFile(input.path, input.display, input.explicit, options, {
      force: true,
      fields: index.fieldsFor(input.display),
      ...(model ? { model } : {}),
    });
  }
  return index;
}

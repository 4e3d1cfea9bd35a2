/**
 * Reviewing a patch or mail with the files around it: reads the input (core/patch), decides its
 * API model once (the kernel tree it applies to, else the patch as given and as decoded), reads
 * the pre-images the patch names from that tree (never outside it: `../` in a patch path reads
 * nothing) and hands the core its parser from the pool. Asked by the CLI (patch and mail inputs,
 * `--tree`) and the language server (patch and mail documents, against their workspace folder);
 * both show the model this returns, the one the findings were made in.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  readPatchInput,
  reviewPatchInput,
  type PatchInput,
  type PatchInputKind,
  type PatchReviewResult,
} from '../core/patch/index.ts';
import type { AnalysisOptions, ModelChoice } from '../core/types.ts';
import { decidePatchModel } from './api-model.ts';
import { sharedParser } from './parser-pool.ts';

export interface PatchCheckOptions extends Pick<AnalysisOptions, 'api' | 'rules'> {
  /** Kernel tree (or workspace root) holding the pre-images and the mm.h (CLI `--tree`). */
  tree?: string;
  /** Also report problems the patch does not touch. */
  includeExisting?: boolean;
  /** A model decided before (a second review of the same input in the same run). */
  model?: ModelChoice;
  /** The input, when the caller has read it already (readPatchInput of the same text). */
  input?: PatchInput;
}

/** The model of a patch input read by readPatchInput: its tree, else the patch as given and as decoded. */
export function patchModel(input: PatchInput, options: Pick<PatchCheckOptions, 'api' | 'tree'>): ModelChoice {
  return decidePatchModel(options.api, [input.text, input.decodedText], options.tree);
}

function preImageReader(tree: string): (file: string) => string | undefined {
  const root = path.resolve(tree);
  return (file) => {
    const full = path.resolve(root, file);
    if (full !== root && !full.startsWith(root + path.sep)) return undefined; // ../ in a patch path
    try {
      return fs.readFileSync(full, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** Reviews a patch input; findings are on the input's own lines, `model` is the one they were made in. */
export async function reviewPatch(
  text: string,
  kind: PatchInputKind,
  options: PatchCheckOptions = {},
): Promise<PatchReviewResult> {
  const input = options.input ?? (await readPatchInput(text, kind));
  const model = options.model ?? patchModel(input, options);
  return reviewPatchInput(input, {
    model,
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.includeExisting ? { includeExisting: true } : {}),
    ...(options.tree ? { readPreImage: preImageReader(options.tree) } : {}),
    parser: await sharedParser(),
  });
}

/**
 * The API-model decision for files and patches on disk or in an editor. Knows where a file's
 * kernel tree is (the nearest directory above it with include/linux/mm.h, read once per
 * directory and cached) and keeps each decision for the rest of its run: a file's model is
 * decided once, from the text as it was read, with the evidence that chose it; fixing the file
 * never changes it. The judgement itself is core/api-model.ts decideModel(). Asked by the CLI
 * (per input, once per run), the language server (per document version: the diagnostics and the
 * status item read the same decision; Check Workspace per file) and the hover (the tree's bias).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decideModel, kernelTreeInfo } from '../core/api-model.ts';
import type { ApiModelSetting, KernelTreeInfo, ModelChoice } from '../core/types.ts';

const treeCache = new Map<string, KernelTreeInfo | null>();

/** The kernel tree whose directory `dir` is or is under: the nearest include/linux/mm.h upwards. */
export function kernelTreeOfDir(dir: string): KernelTreeInfo | null {
  dir = path.resolve(dir);
  const visited: string[] = [];
  let found: KernelTreeInfo | null = null;
  for (;;) {
    const cached = treeCache.get(dir);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(dir);
    const mm = path.join(dir, 'include', 'linux', 'mm.h');
    let text: string | undefined;
    try {
      text = fs.readFileSync(mm, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      found = kernelTreeInfo(mm, text);
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of visited) treeCache.set(d, found);
  return found;
}

/** The kernel tree holding the file `filePath`. */
export function findKernelTree(filePath: string): KernelTreeInfo | null {
  return kernelTreeOfDir(path.dirname(path.resolve(filePath)));
}

/** Forget cached trees (the server calls this when an mm.h changes). */
export function clearKernelTreeCache(): void {
  treeCache.clear();
}

/** The model of a C file: its kernel tree (none for stdin and unsaved documents), else its text. */
export function decideFileModel(setting: ApiModelSetting | undefined, text: string, filePath?: string): ModelChoice {
  if (setting && setting !== 'auto') return decideModel(setting, undefined, text);
  return decideModel(setting, filePath ? findKernelTree(filePath) : null, text, 'file');
}

/**
 * The model of a patch or mail: the kernel tree it applies to (`treeDir`: --tree, or the
 * workspace folder), else the patch as given and as decoded (a base64 body shows its calls only
 * decoded).
 */
export function decidePatchModel(
  setting: ApiModelSetting | undefined,
  texts: readonly string[],
  treeDir?: string,
): ModelChoice {
  if (setting && setting !== 'auto') return decideModel(setting, undefined, texts, 'patch');
  return decideModel(setting, treeDir ? kernelTreeOfDir(treeDir) : null, texts, 'patch');
}

/**
 * Decisions kept for a run: `id` names the file (a path, or a document URI), `revision` what was
 * read (the CLI: nothing, one read per run; the server: the document version). A second ask for
 * the same id, revision and setting gets the first answer, whatever the text is now.
 */
export class ModelDecisions {
  private readonly decided = new Map<string, { revision: string; choice: ModelChoice }>();

  decide(id: string, revision: string | number, setting: ApiModelSetting | undefined, decide: () => ModelChoice) {
    const rev = `${revision}\0${setting ?? 'auto'}`;
    const have = this.decided.get(id);
    if (have && have.revision === rev) return have.choice;
    const choice = decide();
    this.decided.set(id, { revision: rev, choice });
    return choice;
  }

  forget(id: string): void {
    this.decided.delete(id);
  }

  clear(): void {
    this.decided.clear();
  }
}

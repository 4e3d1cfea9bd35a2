/**
 * The one file walker. Knows which files are sources (.c and .h), which directories are not
 * walked (hidden ones such as .git and .pc, and node_modules) and the symbolic-link policy: a
 * link to a file is a file; a link to a directory is followed once, and skipped when its target
 * overlaps a tree already being walked, so link loops end. Asked by the CLI (`check PATH...`:
 * files as given, directories walked in name order, `-` for stdin) and by the language server's
 * Check Workspace (the workspace folders).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsError } from './read-source.ts';

export interface CheckInput {
  /** Path to read ('-' for stdin). */
  path: string;
  /** Path to show: the argument, or the argument joined with the path under it. */
  display: string;
  /** Named on the command line (always read and validated, even without an acquisition). */
  explicit: boolean;
}

/** What the walker takes from a directory: C sources and headers. */
export const SOURCE_FILE_RE = /\.[ch]$/;
const SOURCE_RE = SOURCE_FILE_RE;

/** Directories never walked: hidden ones (.git, .pc, .vscode-test) and these. */
const SKIPPED_DIRS = new Set(['node_modules']);

function walkedDir(name: string): boolean {
  return !name.startsWith('.') && !SKIPPED_DIRS.has(name);
}

export interface CollectResult {
  inputs: CheckInput[];
  /** One message per path that could not be used (the caller prints them and exits 2). */
  errors: string[];
}

/** Every source file under the directories `dirs` (walked as the CLI walks them), and what could not be read. */
export function walkSourceFiles(dirs: readonly string[]): { files: string[]; errors: string[] } {
  const { inputs, errors } = collectInputs(dirs);
  return { files: inputs.filter((i) => !i.explicit).map((i) => i.path), errors };
}

/**
 * `onWalked(n)`: called as the walk finds its files (n: walked files so far), so that a caller
 * can start work for a big run (the CLI's threads) before the walk ends.
 */
export function collectInputs(args: readonly string[], onWalked?: (n: number) => void): CollectResult {
  const inputs: CheckInput[] = [];
  const errors: string[] = [];
  const walk = new Walker(inputs, errors, onWalked);
  const dirs: string[] = [];
  for (const arg of args) {
    if (arg === '-') {
      inputs.push({ path: '-', display: '-', explicit: true });
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(arg);
    } catch (e) {
      errors.push(`${describeFsError(e)}: ${arg}`);
      continue;
    }
    if (st.isDirectory()) {
      dirs.push(arg);
      walk.addRoot(arg);
    } else inputs.push({ path: arg, display: arg, explicit: true });
  }
  for (const d of dirs) walk.walk(d);
  return { inputs, errors };
}

/**
 * Directory walk. Plain directories are never stat()ed (readdir's entry types suffice); only a
 * symbolic link to a directory is resolved: skipped when its target overlaps a tree being walked
 * (inside it: covered already; an ancestor of it: a loop), walked once otherwise.
 */
class Walker {
  private readonly roots: string[] = [];
  private readonly linkedWalked = new Set<string>();

  private walked = 0;

  constructor(
    private readonly inputs: CheckInput[],
    private readonly errors: string[],
    private readonly onWalked?: (n: number) => void,
  ) {}

  private add(full: string): void {
    this.inputs.push({ path: full, display: full, explicit: false });
    this.onWalked?.(++this.walked);
  }

  addRoot(dir: string): void {
    try {
      this.roots.push(fs.realpathSync(dir));
    } catch {
      // reported when walked
    }
  }

  /** A linked directory overlaps a tree already walked (or to walk): inside it, or an ancestor of it. */
  private covered(real: string): boolean {
    for (const r of [...this.roots, ...this.linkedWalked]) {
      if (real === r || this.coveredBy(real, r) || this.coveredBy(r, real)) return true;
    }
    return false;
  }

  walk(root: string): void {
    const rootReal = (() => {
      try {
        return fs.realpathSync(root);
      } catch {
        return undefined;
      }
    })();
    // A root inside another root (or given twice) is walked by that one.
    if (rootReal && this.roots.some((r) => r !== rootReal && this.coveredBy(rootReal, r))) return;
    if (rootReal && this.linkedWalked.has(rootReal)) return;
    if (rootReal) this.linkedWalked.add(rootReal);
    const stack: string[] = [path.normalize(root)];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        this.errors.push(`${describeFsError(e)}: ${dir}`);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: string[] = [];
      const prefix = dir === '.' ? '' : dir.endsWith(path.sep) ? dir : dir + path.sep;
      for (const e of entries) {
        const full = prefix + e.name; // dir is normalised already: no path.join per entry
        if (e.isFile()) {
          if (SOURCE_RE.test(e.name)) this.add(full);
        } else if (e.isDirectory()) {
          if (walkedDir(e.name)) subdirs.push(full);
        } else if (e.isSymbolicLink()) {
          let st: fs.Stats;
          try {
            st = fs.statSync(full);
          } catch {
            continue; // dangling link: nothing to check
          }
          if (st.isFile()) {
            if (SOURCE_RE.test(e.name)) this.add(full);
          } else if (st.isDirectory() && walkedDir(e.name)) {
            let real: string;
            try {
              real = fs.realpathSync(full);
            } catch {
              continue;
            }
            if (this.covered(real)) continue;
            this.linkedWalked.add(real);
            subdirs.push(full);
          }
        }
      }
      // Depth-first in name order: push in reverse so the first subdirectory is walked next.
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
    }
  }

  private coveredBy(real: string, root: string): boolean {
    return real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  }
}

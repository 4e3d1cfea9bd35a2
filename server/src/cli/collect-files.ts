/**
 * Turns the PATH arguments of `check` into a list of inputs: files as given, directories walked
 * recursively for .c and .h (sorted, hidden directories skipped, symbolic links followed once:
 * a directory reached twice, e.g. through a link loop, is walked once), `-` for stdin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsError } from './errors.ts';

export interface CheckInput {
  /** Path to read ('-' for stdin). */
  path: string;
  /** Path to show: the argument, or the argument joined with the path under it. */
  display: string;
  /** Named on the command line (always read and validated, even without an acquisition). */
  explicit: boolean;
}

const SOURCE_RE = /\.[ch]$/;

export interface CollectResult {
  inputs: CheckInput[];
  /** One message per path that could not be used (the caller prints them and exits 2). */
  errors: string[];
}

export function collectInputs(args: readonly string[]): CollectResult {
  const inputs: CheckInput[] = [];
  const errors: string[] = [];
  const seenDirs = new Set<string>();
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
    if (st.isDirectory()) walk(arg, st, inputs, errors, seenDirs);
    else inputs.push({ path: arg, display: arg, explicit: true });
  }
  return { inputs, errors };
}

function walk(root: string, rootStat: fs.Stats, inputs: CheckInput[], errors: string[], seen: Set<string>): void {
  const stack: string[] = [];
  const enter = (dir: string, st: fs.Stats): void => {
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    stack.push(dir);
  };
  enter(root, rootStat);
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.push(`${describeFsError(e)}: ${dir}`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isFile()) {
        if (SOURCE_RE.test(e.name)) inputs.push({ path: full, display: full, explicit: false });
      } else if (e.isDirectory()) {
        if (!e.name.startsWith('.')) subdirs.push(full);
      } else if (e.isSymbolicLink()) {
        let st: fs.Stats;
        try {
          st = fs.statSync(full);
        } catch {
          continue; // dangling link: nothing to check
        }
        if (st.isDirectory()) {
          if (!e.name.startsWith('.')) subdirs.push(full);
        } else if (st.isFile() && SOURCE_RE.test(e.name)) {
          inputs.push({ path: full, display: full, explicit: false });
        }
      }
    }
    // Depth-first in name order: push in reverse so the first subdirectory is walked next.
    for (let i = subdirs.length - 1; i >= 0; i--) {
      const sub = subdirs[i]!;
      let st: fs.Stats;
      try {
        st = fs.statSync(sub);
      } catch (e) {
        errors.push(`${describeFsError(e)}: ${sub}`);
        continue;
      }
      enter(sub, st);
    }
  }
}

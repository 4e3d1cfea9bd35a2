/**
 * Unified diff → files and hunks, every line keeping its place in the original input.
 *
 * Hand-written rather than jsdiff's parsePatch because the reviewer's positions are the point:
 * parsePatch returns the hunks without the input line of each diff line, and it is strict about
 * hunk line counts, while a quoted hunk in a reply is routinely trimmed (`[...]`) and cut by the
 * reviewer's comments. jsdiff is used to apply patches in the tests as an independent check.
 */
import { dropPrefix, type SourceLine } from './source-line.ts';

export type HunkOp = ' ' | '+' | '-';

export interface HunkLine {
  op: HunkOp;
  /** The line's content (after the op character), mapped to the input. */
  src: SourceLine;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The `@@ … @@` line. */
  header: SourceLine;
  /** Text after the second `@@` (git's function context), trimmed; '' when none. */
  functionContext: string;
  lines: HunkLine[];
  /** Lines were missing (a trimmed quote) or the counts did not add up. */
  trimmed: boolean;
}

export interface FileDiff {
  /** Path before (a/ prefix removed); null for a new file. */
  oldPath: string | null;
  /** Path after; null for a deleted file. */
  newPath: string | null;
  /** `diff --git` line (or `---` line of a plain diff, or the first hunk header). */
  header: SourceLine;
  /** `+++` line when present. */
  newHeader?: SourceLine;
  hunks: Hunk[];
  binary: boolean;
}

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

function stripPathPrefix(p: string): string | null {
  const t = p
    .split('\t')[0]!
    .trim()
    .replace(/^"(.*)"$/, '$1');
  if (t === '/dev/null') return null;
  return t.replace(/^[ab]\//, '');
}

/** Paths from `diff --git a/x b/y` (unquoted form; `b/` is searched from the right). */
function gitPaths(rest: string): [string, string] | undefined {
  const m = /^a\/(.+) b\/(.+)$/.exec(rest);
  return m ? [m[1]!, m[2]!] : undefined;
}

/**
 * Parses the files of a unified diff. `lenient` (quoted patches): inside a hunk, lines that are
 * not diff lines are skipped (the hunk is marked trimmed) instead of ending it.
 */
export function parseUnifiedDiff(lines: readonly SourceLine[], lenient = false): FileDiff[] {
  const files: FileDiff[] = [];
  let file: FileDiff | undefined;
  let i = 0;
  const isFileStart = (k: number) =>
    lines[k]!.text.startsWith('diff --git ') ||
    (lines[k]!.text.startsWith('--- ') && lines[k + 1]?.text.startsWith('+++ ') === true);
  while (i < lines.length) {
    const l = lines[i]!;
    const t = l.text;
    if (t.startsWith('diff --git ')) {
      const paths = gitPaths(t.slice('diff --git '.length));
      file = { oldPath: paths?.[0] ?? null, newPath: paths?.[1] ?? null, header: l, hunks: [], binary: false };
      files.push(file);
      i++;
      continue;
    }
    if (t.startsWith('--- ') && lines[i + 1]?.text.startsWith('+++ ')) {
      const oldPath = stripPathPrefix(t.slice(4));
      const newPath = stripPathPrefix(lines[i + 1]!.text.slice(4));
      if (!file || file.hunks.length > 0 || file.newHeader) {
        file = { oldPath, newPath, header: l, hunks: [], binary: false };
        files.push(file);
      } else {
        file.oldPath = oldPath;
        file.newPath = newPath;
      }
      file.newHeader = lines[i + 1]!;
      i += 2;
      continue;
    }
    if (file && /^(new|deleted) file mode /.test(t)) {
      if (t.startsWith('new')) file.oldPath = null;
      else file.newPath = null;
      i++;
      continue;
    }
    if (file && t.startsWith('rename from ')) {
      file.oldPath = t.slice(12);
      i++;
      continue;
    }
    if (file && t.startsWith('rename to ')) {
      file.newPath = t.slice(10);
      i++;
      continue;
    }
    if (file && (t.startsWith('Binary files ') || t === 'GIT binary patch')) {
      file.binary = true;
      i++;
      continue;
    }
    const h = HUNK_RE.exec(t);
    if (!h) {
      i++;
      continue;
    }
    if (!file) {
      // A quoted hunk whose file headers were trimmed away.
      file = { oldPath: null, newPath: null, header: l, hunks: [], binary: false };
      files.push(file);
    }
    const hunk: Hunk = {
      oldStart: Number(h[1]),
      oldLines: h[2] === undefined ? 1 : Number(h[2]),
      newStart: Number(h[3]),
      newLines: h[4] === undefined ? 1 : Number(h[4]),
      header: l,
      functionContext: h[5]!.trim(),
      lines: [],
      trimmed: false,
    };
    file.hunks.push(hunk);
    let oldLeft = hunk.oldLines;
    let newLeft = hunk.newLines;
    i++;
    while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
      const x = lines[i]!;
      const c = x.text[0];
      if (HUNK_RE.test(x.text) || isFileStart(i)) break;
      if (c === '\\') {
        i++;
        continue;
      } // "\ No newline at end of file"
      if (c === ' ' || x.text === '') {
        hunk.lines.push({ op: ' ', src: dropPrefix(x, x.text === '' ? 0 : 1) });
        oldLeft--;
        newLeft--;
      } else if (c === '+' && newLeft > 0) {
        hunk.lines.push({ op: '+', src: dropPrefix(x, 1) });
        newLeft--;
      } else if (c === '-' && oldLeft > 0) {
        hunk.lines.push({ op: '-', src: dropPrefix(x, 1) });
        oldLeft--;
      } else if (lenient) {
        hunk.trimmed = true;
      } else {
        break;
      }
      i++;
    }
    if (oldLeft !== 0 || newLeft !== 0) hunk.trimmed = true;
    if (lines[i]?.text.startsWith('\\')) i++;
  }
  return files.filter((f) => f.hunks.length > 0 || f.binary);
}

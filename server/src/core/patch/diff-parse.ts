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
  /**
   * A quoted run of ` `/`+`/`-` lines with no `@@` line (a reply trimmed to the lines it talks
   * about): where it is in the file is unknown, `header` is its first line and the start lines
   * are placeholders.
   */
  headerless?: boolean;
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
  /** No file header was quoted (a trimmed reply): a fragment of an unknown file, not a deletion. */
  unnamed?: boolean;
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

const isRunLine = (t: string) => t === '' || t[0] === ' ' || t[0] === '+' || t[0] === '-';
/** Reads as C: indented (code in a function body) or ends like a statement, a block or a call. */
const CODE_LIKE_RE = /^\t|[;{}]\s*$|^\s*}/;

/**
 * A headerless hunk at `i`: a run of diff lines (lenient mode only, i.e. quoted) with at least
 * one `+`/`-` line and one line that reads as C, so a quoted bullet list ("> - fixed typo") or a
 * diffstat is not taken for code. Returns the run's end (exclusive), or -1.
 */
function headerlessRun(lines: readonly SourceLine[], i: number, stop: (k: number) => boolean): number {
  const first = lines[i]!.text;
  if (first === '' || !isRunLine(first) || first.startsWith('+++') || first.startsWith('---')) return -1;
  let j = i;
  while (j < lines.length && isRunLine(lines[j]!.text) && !stop(j)) j++;
  while (j > i && lines[j - 1]!.text === '') j--;
  const run = lines.slice(i, j).map((l) => l.text);
  const changes = run.filter((t) => (t[0] === '+' || t[0] === '-') && !/^(\+\+\+|---)( |$)/.test(t));
  if (changes.length === 0 || !run.some((t) => t !== '' && CODE_LIKE_RE.test(t.slice(1)))) return -1;
  return j;
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
      const end = lenient ? headerlessRun(lines, i, (k) => HUNK_RE.test(lines[k]!.text) || isFileStart(k)) : -1;
      if (end < 0) {
        i++;
        continue;
      }
      if (!file) {
        file = { oldPath: null, newPath: null, header: l, hunks: [], binary: false, unnamed: true };
        files.push(file);
      }
      file.hunks.push(headerlessHunk(lines.slice(i, end), file.hunks[file.hunks.length - 1]));
      i = end;
      continue;
    }
    if (!file) {
      // A quoted hunk whose file headers were trimmed away.
      file = { oldPath: null, newPath: null, header: l, hunks: [], binary: false, unnamed: true };
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

/**
 * A headerless run as a hunk: it is laid out after the previous hunk of its file, one line apart
 * (so it is never taken for the same lines), or at line 1.
 */
function headerlessHunk(run: readonly SourceLine[], previous: Hunk | undefined): Hunk {
  const lines: HunkLine[] = run.map((x) => {
    const c = x.text[0];
    const op: HunkOp = c === '+' || c === '-' ? c : ' ';
    return { op, src: dropPrefix(x, x.text === '' ? 0 : 1) };
  });
  const oldLines = lines.filter((l) => l.op !== '+').length;
  const newLines = lines.filter((l) => l.op !== '-').length;
  const oldStart = previous ? previous.oldStart + previous.oldLines + 1 : 1;
  const newStart = previous ? previous.newStart + previous.newLines + 1 : 1;
  return {
    oldStart,
    oldLines,
    newStart,
    newLines,
    header: run[0]!,
    functionContext: '',
    lines,
    trimmed: true,
    headerless: true,
  };
}

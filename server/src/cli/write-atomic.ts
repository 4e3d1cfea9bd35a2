/**
 * Replaces a file's content atomically: write a temp file in the same directory with the
 * original mode, fsync, then rename it over the original, unless the original changed on disk
 * since it was read (compared right before the rename). Readers see the old or the new file,
 * never a half-written one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class ChangedOnDiskError extends Error {
  override name = 'ChangedOnDiskError';
}

export interface ReadSnapshot {
  /** The bytes the new content was computed from. */
  content: Buffer;
  mtimeMs: number;
  size: number;
}

export interface WriteAtomicHooks {
  /** Called after the temp file is written, just before the on-disk check (tests change the file here). */
  beforeCheck?: (tempPath: string) => void;
}

/** Reads a file and remembers what it was, for writeFileAtomic's check. */
export function readSnapshot(file: string): ReadSnapshot {
  const content = fs.readFileSync(file);
  const st = fs.statSync(file);
  return { content, mtimeMs: st.mtimeMs, size: st.size };
}

export function writeFileAtomic(
  linkOrFile: string,
  data: string | Buffer,
  snapshot: ReadSnapshot,
  hooks: WriteAtomicHooks = {},
): void {
  // Through a symbolic link, the file it points to is replaced (renaming over the link would turn
  // it into a copy and leave the real file unfixed).
  const file = fs.realpathSync(linkOrFile);
  const st = fs.statSync(file);
  const mode = st.mode & 0o7777;
  const dir = path.dirname(file);
  const temp = path.join(
    dir,
    `.${path.basename(file)}.gup-review-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`,
  );
  const fd = fs.openSync(temp, 'wx', mode);
  let renamed = false;
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fchmodSync(fd, mode); // the umask may have narrowed the mode given to open
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    hooks.beforeCheck?.(temp);
    const now = fs.statSync(file);
    if (
      now.mtimeMs !== snapshot.mtimeMs ||
      now.size !== snapshot.size ||
      !fs.readFileSync(file).equals(snapshot.content)
    ) {
      throw new ChangedOnDiskError(`${file} changed on disk while it was being fixed; not written`);
    }
    fs.renameSync(temp, file);
    renamed = true;
  } finally {
    if (!renamed) fs.rmSync(temp, { force: true });
  }
}

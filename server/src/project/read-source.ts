/**
 * The one file reader. Knows how sources are read (one reused buffer per thread and one read()
 * per file for the prefilter's fast path; a stat first for files named explicitly, so that a
 * FIFO or a huge file costs no read), the size limit, and the encoding: a NUL byte means binary,
 * and the text must be valid UTF-8. Asked by the CLI (every input) and by Check Workspace.
 */
import * as fs from 'node:fs';

let shared = Buffer.allocUnsafe(1 << 20);

/**
 * The bytes of a regular file in the thread's shared buffer: only valid until the next call
 * (copy what you keep). For a regular file a short read means end of file.
 */
export function readRegularFileShared(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    let len = 0;
    for (;;) {
      const room = shared.length - len;
      const n = fs.readSync(fd, shared, len, room, null);
      len += n;
      if (n < room) break; // end of file (or an empty read)
      const bigger = Buffer.allocUnsafe(shared.length * 2);
      shared.copy(bigger, 0, 0, len);
      shared = bigger;
    }
    return shared.subarray(0, len);
  } finally {
    fs.closeSync(fd);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes → text, or the reason the bytes are not C source (or patch) text. */
export function decodeSource(buf: Buffer): { text: string } | { error: string } {
  // A NUL byte never occurs in C source or a patch mail: binary.
  if (buf.indexOf(0) !== -1) return { error: 'binary file' };
  try {
    return { text: utf8.decode(buf) };
  } catch {
    return { error: 'not valid UTF-8' };
  }
}

export function megabytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file read for analysis: its bytes (a copy), and what --fix needs to write it back safely. */
export interface SourceRead {
  buf: Buffer;
  stat: fs.Stats;
}

export type ReadOutcome =
  | { kind: 'read'; source: SourceRead }
  /** Walked files only: names no acquisition (decided by `keep` on the shared buffer). */
  | { kind: 'skipped' }
  | { kind: 'too-big'; size: number }
  | { kind: 'not-regular' }
  /** `reason`: describeFsError() of what failed. */
  | { kind: 'failed'; reason: string };

/**
 * Reads one input. Walked files (`explicit` false) are read into the shared buffer and kept only
 * when `keep` says so (the prefilter); named files are stat()ed first: not a regular file or over
 * `maxFileSize` bytes (0: no limit) is said without reading.
 */
export function readSource(
  file: string,
  opts: { explicit: boolean; maxFileSize?: number; keep?: (view: Buffer) => boolean },
): ReadOutcome {
  try {
    let buf: Buffer;
    if (!opts.explicit) {
      const view = readRegularFileShared(file);
      if (opts.keep && !opts.keep(view)) return { kind: 'skipped' };
      if (opts.maxFileSize && view.length > opts.maxFileSize) return { kind: 'too-big', size: view.length };
      buf = Buffer.from(view);
    } else {
      const st = fs.statSync(file);
      // A FIFO or a device would block the read or never end.
      if (!st.isFile()) return { kind: 'not-regular' };
      if (opts.maxFileSize && st.size > opts.maxFileSize) return { kind: 'too-big', size: st.size };
      buf = fs.readFileSync(file);
    }
    return { kind: 'read', source: { buf, stat: fs.statSync(file) } };
  } catch (e) {
    return { kind: 'failed', reason: describeFsError(e) };
  }
}

/**
 * A source file's text, read and decoded as every input is; undefined when it cannot be read, is
 * binary or not UTF-8, or `keep` skips it. For callers that need the text or nothing (the index,
 * trace, the server's inventory); check reports each reason itself.
 */
export function readSourceText(file: string, opts: Parameters<typeof readSource>[1]): string | undefined {
  const read = readSource(file, opts);
  if (read.kind !== 'read') return undefined;
  const decoded = decodeSource(read.source.buf);
  return 'error' in decoded ? undefined : decoded.text;
}

/** A short reason for a failed file-system call, e.g. "permission denied". */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOTDIR':
      return 'no such file (a part of the path is not a directory)';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EIO':
      return 'input/output error';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return code ? code.toLowerCase() : String((e as Error | undefined)?.message ?? e);
  }
}

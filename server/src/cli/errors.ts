/** Errors the CLI reports as one line on stderr with exit code 2 (never a stack trace). */

/** A mistake in the command line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One input that could not be checked (missing, unreadable, binary, not UTF-8). */
export class InputError extends Error {
  override name = 'InputError';
}

/** `gup-review: message`, on one line. */
export function errorLine(message: string): string {
  return `gup-review: ${message.replace(/\s*\n+\s*/g, ' ').trim()}`;
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

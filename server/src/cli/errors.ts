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

export { describeFsError } from '../project/read-source.ts';

/**
 * The one text prefilter: does a file name any acquisition? Most of a kernel tree does not, and
 * those files are never decoded or parsed. A few byte needles, derived from the API table, are
 * searched in one WebAssembly SIMD scan (needle-scan.ts; Buffer.indexOf, a scan per needle, where
 * that is missing); only around a hit is the exact name regex run.
 * Asked by the file reader's callers: the CLI for every walked and named input, and Check Workspace.
 */
import { ACQUISITIONS, ACQUISITION_NAME_RE } from '../core/api-table.ts';
import { needleScanner } from './needle-scan.ts';

// Short needles are fine: a hit only costs a regex over a ~70-byte window, a pass costs a scan of the file.
const MIN_NEEDLE = 4;

/**
 * Between two needles that cover as many names: one that starts with a letter (the search looks
 * for the first byte, and '_' is the commonest byte of C identifiers: "page" scans about 1.6× as
 * fast as "_page"), then the longer one.
 */
function better(a: string, b: string): boolean {
  const la = /^[A-Za-z]/.test(a);
  const lb = /^[A-Za-z]/.test(b);
  if (la !== lb) return la;
  return a.length > b.length;
}

/**
 * A small set of substrings such that every acquisition name contains one: greedy set cover
 * over the names' substrings, preferring the one that covers most names (see better() on ties).
 */
export function deriveNeedles(names: readonly string[]): string[] {
  let uncovered = [...new Set(names)];
  const needles: string[] = [];
  while (uncovered.length > 0) {
    let best = '';
    let bestCover = 0;
    for (const name of uncovered) {
      const min = Math.min(MIN_NEEDLE, name.length);
      for (let i = 0; i + min <= name.length; i++) {
        for (let j = i + min; j <= name.length; j++) {
          const sub = name.slice(i, j);
          const cover = uncovered.reduce((n, other) => n + (other.includes(sub) ? 1 : 0), 0);
          if (cover > bestCover || (cover === bestCover && better(sub, best))) {
            best = sub;
            bestCover = cover;
          }
        }
      }
    }
    needles.push(best);
    uncovered = uncovered.filter((n) => !n.includes(best));
  }
  return needles;
}

export const PREFILTER_NEEDLES: readonly string[] = deriveNeedles(ACQUISITIONS.map((a) => a.name));
const needleBuffers = PREFILTER_NEEDLES.map((n) => Buffer.from(n, 'latin1'));
const LONGEST_NAME = Math.max(...ACQUISITIONS.map((a) => a.name.length));
const exact = new RegExp(ACQUISITION_NAME_RE.source);

function isWordByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Whether the name around a hit of needle `n` at `at` is an acquisition: the whole name lies
 * within this window; widened to identifier boundaries so that \b at its edges is a real
 * boundary (not the middle of amdgpu_..._get_user_pages).
 */
function nameAround(buf: Buffer, at: number, n: number): boolean {
  let start = Math.max(0, at - LONGEST_NAME - 1);
  let end = Math.min(buf.length, at + needleBuffers[n]!.length + LONGEST_NAME + 1);
  for (let k = 0; k < 256 && start > 0 && isWordByte(buf[start - 1]!); k++) start--;
  for (let k = 0; k < 256 && end < buf.length && isWordByte(buf[end]!); k++) end++;
  return exact.test(buf.toString('latin1', start, end));
}

/** One scan for all the needles (WebAssembly SIMD); undefined where that is not available. */
const scanner = needleScanner(needleBuffers);

/** True when `buf` contains an acquisition name as a whole word (exactly ACQUISITION_NAME_RE). */
export function namesAcquisition(buf: Buffer): boolean {
  return scanner ? scanner.some(buf, (at, n) => nameAround(buf, at, n)) : namesAcquisitionByIndexOf(buf);
}

/**
 * namesAcquisition with Buffer.indexOf, a scan per needle: where WebAssembly SIMD is missing,
 * and the reference the scanner is tested against. The same hits are tested, in another order.
 */
export function namesAcquisitionByIndexOf(buf: Buffer): boolean {
  for (let n = 0; n < needleBuffers.length; n++) {
    const needle = needleBuffers[n]!;
    for (let at = buf.indexOf(needle); at !== -1; at = buf.indexOf(needle, at + 1))
      if (nameAround(buf, at, n)) return true;
  }
  return false;
}

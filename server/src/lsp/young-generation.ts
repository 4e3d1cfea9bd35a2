/**
 * Keeps the language server's young generation small. When a burst allocates fast (50 kernel
 * files opened at once, a workspace check) V8 doubles the new space at each scavenge up to 32 MB
 * (two 16 MB semi-spaces) and keeps it, so RSS at the end of such a burst read 153–175 MB, most of
 * it garbage, though the live heap is ~16–19 MB and a keystroke allocates ~0.9 MB. A launch flag
 * (--max-semi-space-size) would have to be in every launcher (VS Code's client, the bin that
 * Neovim, Emacs and Helix start, the tests' harness); instead, while the new space is at `capMb`
 * or more, V8's growth factor is set to 1 at run time (V8 reads it at each growth), and back to
 * its default below (a memory-reducing collection, such as the idle one, may shrink the space).
 * With 8 MB: RSS at the last diagnostics of 50 opened files 134–144 MB, 108–118 MB idle, and
 * keystroke p50/p95 within the run-to-run noise of those without it (`npm run bench`, section
 * lsp; README). Started by server.ts,
 * which asks check() after each analysis, warm-up step and workspace-check file: a burst doubled
 * the space twice between two ticks of a 50 ms timer, and a space that grew past the cap stays
 * that size; the timer is only the fallback for other work.
 */
import * as v8 from 'node:v8';

const MB = 1024 * 1024;
/** V8's own default for --semi-space-growth-factor. */
const DEFAULT_GROWTH = 2;

export interface YoungGenerationOptions {
  /** The new space (both semi-spaces) stops growing at this size (default 8). */
  capMb?: number;
  /**
   * How often the size is read besides the server's own calls of check() (default 1 s: an idle
   * server wakes once a second for it; the timer never keeps the process alive).
   */
  everyMs?: number;
  /** The new space's size in bytes (tests inject one). */
  newSpaceSize?: () => number | undefined;
  /** Sets V8's growth factor (tests inject one). */
  setGrowthFactor?: (factor: number) => void;
}

function v8NewSpaceSize(): number | undefined {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size;
}

function v8SetGrowthFactor(factor: number): void {
  v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
}

export class YoungGenerationCap {
  private timer: NodeJS.Timeout | undefined;
  /** The growth factor last set (V8's default until the cap is reached). */
  factor = DEFAULT_GROWTH;
  private readonly cap: number;
  private readonly everyMs: number;
  private readonly size: () => number | undefined;
  private readonly setFactor: (factor: number) => void;

  constructor(options: YoungGenerationOptions = {}) {
    this.cap = (options.capMb ?? 8) * MB;
    this.everyMs = options.everyMs ?? 1000;
    this.size = options.newSpaceSize ?? v8NewSpaceSize;
    this.setFactor = options.setGrowthFactor ?? v8SetGrowthFactor;
  }

  /** Reads the size now and sets the factor when it crosses the cap (either way). */
  check(): void {
    const size = this.size();
    if (size === undefined) return;
    const want = size >= this.cap ? 1 : DEFAULT_GROWTH;
    if (want === this.factor) return;
    try {
      this.setFactor(want);
      this.factor = want;
    } catch {
      // a V8 without the flag: the space grows as V8 decides
    }
  }

  start(): this {
    this.check();
    this.timer ??= setInterval(() => this.check(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /** Stops reading, and gives V8 its default growth back. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.factor !== DEFAULT_GROWTH) {
      this.setFactor(DEFAULT_GROWTH);
      this.factor = DEFAULT_GROWTH;
    }
  }
}

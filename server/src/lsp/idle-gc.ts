/**
 * Returns a burst's garbage once the server is idle. Opening many documents (or a workspace
 * check) allocates far more than it keeps: with 50 kernel files open the JavaScript heap holds
 * ~18 MB live while V8 keeps ~50 MB of old space it has not collected, and it does not collect it
 * on its own while the server sits idle (RSS 173 MB 1, 2, 4 and 8 s after the last diagnostics;
 * 129 MB after one full collection). So after work, once nothing happened for `idleMs`, and only
 * when the heap grew by `minGrowthMb` since the last such collection, the server runs one full
 * garbage collection: ~10–30 ms, while nobody waits. V8 exposes `gc()` only behind --expose-gc,
 * a flag that can be set at run time and then read from a fresh context.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

type Collect = () => void;

/** V8's full collection, or undefined where it cannot be had (the collector then does nothing). */
export function fullCollection(): Collect | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? () => (gc as Collect)() : undefined;
  } catch {
    return undefined;
  }
}

const MB = 1024 * 1024;

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  /** Heap in use after the last collection (bytes). */
  private baseline = process.memoryUsage().heapUsed;
  /** Collections run (for tests and the log). */
  collections = 0;

  private readonly collect: Collect | undefined;
  private readonly idleMs: number;
  private readonly minGrowthMb: number;
  private readonly log: (line: string) => void;

  constructor(
    options: {
      /** Default: V8's full collection. */
      collect?: Collect;
      idleMs?: number;
      /** Heap growth since the last collection below which none runs; 0: always. */
      minGrowthMb?: number;
      log?: (line: string) => void;
    } = {},
  ) {
    this.collect = 'collect' in options ? options.collect : fullCollection();
    this.idleMs = options.idleMs ?? 1500;
    this.minGrowthMb = options.minGrowthMb ?? 8;
    this.log = options.log ?? (() => {});
  }

  /** Work happened: the idle time counts from now. */
  touch(): void {
    if (!this.collect) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.idle(), this.idleMs);
    this.timer.unref();
  }

  private idle(): void {
    this.timer = undefined;
    const before = process.memoryUsage().heapUsed;
    // 0: no threshold (the heap may also have shrunk since, by V8's own collections).
    if (this.minGrowthMb > 0 && before - this.baseline < this.minGrowthMb * MB) return;
    const t = performance.now();
    // Twice: the first finishes what V8 had started and frees; the second gives back the pages
    // the first left empty (with 50 files open, one alone left RSS at 153 MB, two 136 MB).
    this.collect!();
    this.collect!();
    this.collections++;
    this.baseline = process.memoryUsage().heapUsed;
    this.log(
      `gup-review: idle, heap ${(before / MB).toFixed(0)} → ${(this.baseline / MB).toFixed(0)} MB in ${(performance.now() - t).toFixed(0)} ms`,
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

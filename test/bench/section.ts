/** What one part of the benchmark (the CLI, later the language server) gets and provides. */
export interface BenchContext {
  /** Root of the kernel tree. */
  kernel: string;
  /** Root of this repository (dist/ is built). */
  repo: string;
  log: (line: string) => void;
}

export interface BenchSection {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Runs checkFile() over many inputs on `size` threads: size − 1 worker threads plus the main
 * thread itself (idle otherwise, and already warm: one runtime fewer to start). Each pulls
 * batches from one queue as it finishes (small batches near the end, so no core waits on
 * another); results come back in input order. A pool runs several passes (the first pass, then
 * the ownership pass's module-mates and re-checks, each item with its CheckFileExtra) before it
 * is closed. The worker entry is this same bundle (dist/cli.js): main.ts calls runCheckWorker()
 * when it starts as a worker.
 */
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  checkFile,
  skipWalkedFile,
  type CheckFileExtra,
  type CheckFileResult,
  type CheckRunOptions,
} from './check-file.ts';
import type { CheckInput } from '../project/walk.ts';

/** One input of a pass, with what the pass adds to its check (plain data). */
export interface CheckItem extends CheckInput {
  extra?: CheckFileExtra;
}

interface BatchItem extends CheckItem {
  index: number;
}

/** One item's check, the same on every thread: a walked file with no extra may be skipped unread by the fast path. */
export async function checkItem(item: CheckItem, options: CheckRunOptions): Promise<CheckFileResult> {
  try {
    return (
      (!item.explicit && !item.extra && skipWalkedFile(item.path)) ||
      (await checkFile(item.path, item.display, item.explicit, options, item.extra))
    );
  } catch (e) {
    return { status: 'failed', error: `${item.display}: internal error: ${(e as Error).message}` };
  }
}

const WORKER_TAG = 'gup-review-check-worker';

interface BatchMessage {
  type: 'batch';
  items: BatchItem[];
}
interface ResultsMessage {
  type: 'results';
  results: Array<{ index: number; result: CheckFileResult }>;
}

/** True in a thread started by WorkerPool. */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG;
}

/** A pass on this thread alone (small runs, --jobs 1, trace): the same checks, one after the other. */
export function runHere(options: CheckRunOptions) {
  return async (items: readonly CheckItem[]): Promise<CheckFileResult[]> => {
    const out: CheckFileResult[] = [];
    for (const item of items) out.push(await checkItem(item, options));
    return out;
  };
}

/** The worker side: check each batch, answer with its results. */
export function runCheckWorker(): void {
  const options = (workerData as { options: CheckRunOptions }).options;
  parentPort!.on('message', (msg: BatchMessage | { type: 'stop' }) => {
    if (msg.type === 'stop') {
      parentPort!.close();
      return;
    }
    void (async () => {
      const results: ResultsMessage['results'] = [];
      for (const item of msg.items) results.push({ index: item.index, result: await checkItem(item, options) });
      parentPort!.postMessage({ type: 'results', results } satisfies ResultsMessage);
    })();
  });
}

function workerEntry(): string {
  // From the bundle, this file is dist/cli.js itself; from source (tsx), start main.ts.
  return __filename.endsWith('.ts') ? path.join(__dirname, 'main.ts') : __filename;
}

/** How a pass is cut into batches. */
export interface PassOptions {
  /** At most this many items per batch (default 512). */
  maxBatch?: number;
}

/** The pass a pool is running: its queue, and how it ends. */
interface Pass {
  take: () => BatchItem[] | undefined;
  results: Array<CheckFileResult | undefined>;
  finish: (n: number) => void;
  fail: (e: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private pass: Pass | undefined;
  private broken: Error | undefined;
  private closing = false;

  constructor(
    readonly size: number,
    private readonly options: CheckRunOptions,
  ) {
    for (let i = 0; i < size - 1; i++) {
      const w = new Worker(workerEntry(), { workerData: { tag: WORKER_TAG, options } });
      // One set of listeners for the pool's life; they serve whichever pass is running.
      w.on('message', (msg: ResultsMessage) => {
        const pass = this.pass;
        if (!pass) return;
        for (const r of msg.results) pass.results[r.index] = r.result;
        pass.finish(msg.results.length);
        this.send(w);
      });
      // A thread lost between passes fails the next one (its items would never come back).
      w.on('error', (e) => {
        this.broken ??= e;
        this.pass?.fail(e);
      });
      w.on('exit', (code) => {
        if (code === 0 || this.closing) return;
        this.broken ??= new Error(`a worker thread exited with code ${code}`);
        this.pass?.fail(this.broken);
      });
      this.workers.push(w);
    }
  }

  private send(w: Worker): void {
    const items = this.pass?.take();
    if (items) w.postMessage({ type: 'batch', items } satisfies BatchMessage);
  }

  /**
   * Checks every input; results come back in input order. Most items of a first pass are
   * prefilter skips and go in batches of up to 512; `maxBatch` lowers that for passes whose
   * items are mostly analyses (the ownership pass), so that no thread holds a queue of them
   * while another has nothing left.
   */
  run(inputs: readonly CheckItem[], opts: PassOptions = {}): Promise<CheckFileResult[]> {
    if (this.pass) return Promise.reject(new Error('the worker pool runs one pass at a time'));
    if (this.broken) return Promise.reject(this.broken);
    if (inputs.length === 0) return Promise.resolve([]);
    const results = new Array<CheckFileResult | undefined>(inputs.length);
    let next = 0;
    let done = 0;
    let failed = false;
    return new Promise<CheckFileResult[]>((resolve, reject) => {
      const take = (): BatchItem[] | undefined => {
        if (next >= inputs.length || failed) return undefined;
        const remaining = inputs.length - next;
        const most = opts.maxBatch ?? 512;
        const size = Math.max(Math.min(8, most), Math.min(most, Math.floor(remaining / (this.size * 4))));
        const items: BatchItem[] = [];
        for (const end = Math.min(inputs.length, next + size); next < end; next++) {
          const { path, display, explicit, extra } = inputs[next]!;
          items.push({ index: next, path, display, explicit, ...(extra ? { extra } : {}) });
        }
        return items;
      };
      const finish = (n: number): void => {
        done += n;
        if (done === inputs.length && !failed) {
          this.pass = undefined;
          resolve(results as CheckFileResult[]);
        }
      };
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        this.pass = undefined;
        reject(e);
      };
      this.pass = { take, results, finish, fail };
      // Two batches in flight per worker: it never waits for the main thread (which answers
      // between its own files).
      for (const w of this.workers) {
        this.send(w);
        this.send(w);
      }
      // The main thread takes batches too, yielding between files so that the workers' messages
      // are answered while it works.
      void (async () => {
        let lastYield = performance.now();
        for (let items = take(); items; items = take()) {
          for (const item of items) {
            results[item.index] = await checkItem(item, this.options);
            if (performance.now() - lastYield > 4) {
              await new Promise<void>((r) => setImmediate(r));
              lastYield = performance.now();
            }
          }
          finish(items.length);
        }
      })().catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.pass = undefined;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

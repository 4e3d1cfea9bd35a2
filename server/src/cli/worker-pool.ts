/**
 * Runs checkFile() over many inputs on `size` threads: size − 1 worker threads plus the main
 * thread itself (idle otherwise, and already warm: one runtime fewer to start). Each pulls
 * batches from one queue as it finishes (small batches near the end, so no core waits on
 * another); results come back in input order. The worker entry is this same bundle
 * (dist/cli.js): main.ts calls runCheckWorker() when it starts as a worker.
 */
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkFile, skipWalkedFile, type CheckFileResult, type CheckRunOptions } from './check-file.ts';
import type { CheckInput } from '../project/walk.ts';

const WORKER_TAG = 'gup-review-check-worker';

interface BatchMessage {
  type: 'batch';
  items: Array<{ index: number; path: string; display: string; explicit: boolean }>;
}
interface ResultsMessage {
  type: 'results';
  results: Array<{ index: number; result: CheckFileResult }>;
}

/** True in a thread started by WorkerPool. */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG;
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
      for (const item of msg.items) {
        let result: CheckFileResult;
        try {
          result =
            (!item.explicit && skipWalkedFile(item.path)) ||
            (await checkFile(item.path, item.display, item.explicit, options));
        } catch (e) {
          result = { status: 'failed', error: `${item.display}: internal error: ${(e as Error).message}` };
        }
        results.push({ index: item.index, result });
      }
      parentPort!.postMessage({ type: 'results', results } satisfies ResultsMessage);
    })();
  });
}

function workerEntry(): string {
  // From the bundle, this file is dist/cli.js itself; from source (tsx), start main.ts.
  return __filename.endsWith('.ts') ? path.join(__dirname, 'main.ts') : __filename;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];

  constructor(
    readonly size: number,
    private readonly options: CheckRunOptions,
  ) {
    for (let i = 0; i < size - 1; i++) {
      this.workers.push(new Worker(workerEntry(), { workerData: { tag: WORKER_TAG, options } }));
    }
  }

  /** Checks every input; results come back in input order. */
  run(inputs: readonly CheckInput[]): Promise<CheckFileResult[]> {
    const results = new Array<CheckFileResult | undefined>(inputs.length);
    let next = 0;
    let done = 0;
    return new Promise((resolve, reject) => {
      if (inputs.length === 0) {
        resolve([]);
        return;
      }
      let failed = false;
      const take = (): BatchMessage['items'] => {
        const remaining = inputs.length - next;
        const size = Math.max(8, Math.min(512, Math.floor(remaining / (this.size * 4))));
        const items: BatchMessage['items'] = [];
        for (const end = Math.min(inputs.length, next + size); next < end; next++) {
          const input = inputs[next]!;
          items.push({ index: next, path: input.path, display: input.display, explicit: input.explicit });
        }
        return items;
      };
      const finish = (n: number): void => {
        done += n;
        if (done === inputs.length) resolve(results as CheckFileResult[]);
      };
      const send = (w: Worker): void => {
        if (next < inputs.length && !failed) w.postMessage({ type: 'batch', items: take() } satisfies BatchMessage);
      };
      for (const w of this.workers) {
        w.on('message', (msg: ResultsMessage) => {
          for (const r of msg.results) results[r.index] = r.result;
          finish(msg.results.length);
          send(w);
        });
        w.on('error', (e) => {
          failed = true;
          reject(e);
        });
        w.on('exit', (code) => {
          if (done < inputs.length && code !== 0) reject(new Error(`a worker thread exited with code ${code}`));
        });
        // Two batches in flight per worker: it never waits for the main thread.
        send(w);
        send(w);
      }
      // The main thread takes batches too, yielding between files so that the workers' messages
      // are answered while it works.
      void (async () => {
        let lastYield = performance.now();
        while (next < inputs.length && !failed) {
          const items = take();
          for (const item of items) {
            try {
              results[item.index] =
                (!item.explicit && skipWalkedFile(item.path)) ||
                (await checkFile(item.path, item.display, item.explicit, this.options));
            } catch (e) {
              results[item.index] = {
                status: 'failed',
                error: `${item.display}: internal error: ${(e as Error).message}`,
              };
            }
            if (performance.now() - lastYield > 4) {
              await new Promise<void>((r) => setImmediate(r));
              lastYield = performance.now();
            }
          }
          finish(items.length);
        }
      })().catch((e: unknown) => {
        failed = true;
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

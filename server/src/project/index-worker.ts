/**
 * Builds the FileFacts of a workspace off the main thread, for the language server's ownership
 * index: a worker thread walks the folders, prefilters, extracts each acquisition file's facts,
 * then those of its module-mates (module-files.ts), and posts them back in batches. The main
 * thread never walks or parses for the index, so no keystroke waits on it. The worker runs the
 * server bundle itself, started with a tag: lsp/main.ts calls runIndexWorker() when
 * isIndexWorker().
 */
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FileFacts } from '../core/facts/file-facts.ts';
import { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import type { ApiModelSetting } from '../core/types.ts';
import { factsOfText } from './analyze-source.ts';
import { decideFileModel } from './api-model.ts';
import { moduleMates } from './module-files.ts';
import { namesAcquisition } from './prefilter.ts';
import { decodeSource, readSource } from './read-source.ts';
import { walkSourceFiles } from './walk.ts';

const INDEX_TAG = 'gup-review-index-worker';
const BATCH = 16;

export interface IndexRequest {
  folders: string[];
  api: ApiModelSetting;
  /** Files over this many bytes are not indexed (0: no limit). */
  maxFileSize: number;
}

export interface IndexedFile {
  file: string;
  facts: FileFacts;
}

export type IndexMessage =
  | { type: 'facts'; items: IndexedFile[]; done: number; total: number }
  | { type: 'done'; walked: number; indexed: number; problems: string[] };

export function isIndexWorker(): boolean {
  return !isMainThread && (workerData as { tag?: string } | null)?.tag === INDEX_TAG;
}

/** One file's own facts as the index takes them (read from disk; `force`: past the prefilter). */
export async function factsOfFile(
  file: string,
  api: ApiModelSetting,
  maxFileSize: number,
  force = false,
): Promise<FileFacts | undefined> {
  const read = readSource(file, {
    explicit: false,
    keep: force ? () => true : namesAcquisition,
    ...(maxFileSize ? { maxFileSize } : {}),
  });
  if (read.kind !== 'read') return undefined;
  const decoded = decodeSource(read.source.buf);
  if ('error' in decoded) return undefined;
  return factsOfText(decoded.text, { model: decideFileModel(api, decoded.text, file) });
}

/** The worker side: index the folders of the one request it gets, then exit. */
export function runIndexWorker(): void {
  const req = (workerData as { request: IndexRequest }).request;
  void (async () => {
    const { files, errors } = walkSourceFiles(req.folders);
    const index = new OwnershipIndex();
    let batch: IndexedFile[] = [];
    let done = 0;
    const flush = (total: number) => {
      if (batch.length) parentPort!.postMessage({ type: 'facts', items: batch, done, total } satisfies IndexMessage);
      batch = [];
    };
    const add = (file: string, facts: FileFacts | undefined, total: number) => {
      done++;
      if (!facts) return;
      index.set(file, facts);
      batch.push({ file, facts });
      if (batch.length >= BATCH) flush(total);
    };
    const cFiles = files.filter((f) => /\.[ch]$/.test(f));
    for (const f of cFiles) add(f, await safeFacts(f, req, false, errors), cFiles.length);
    const mates = moduleMates(
      cFiles.filter((f) => !index.has(f)),
      index,
    );
    for (const f of mates) add(f, await safeFacts(f, req, true, errors), cFiles.length);
    flush(cFiles.length);
    parentPort!.postMessage({
      type: 'done',
      walked: cFiles.length,
      indexed: index.files.length,
      problems: errors,
    } satisfies IndexMessage);
  })();
}

async function safeFacts(file: string, req: IndexRequest, force: boolean, problems: string[]) {
  try {
    return await factsOfFile(file, req.api, req.maxFileSize, force);
  } catch (e) {
    problems.push(`${file}: not indexed: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * Starts a worker that indexes `request`; `onMessage` receives its batches and its end. The
 * entry is the running bundle (dist/server.js), or the server's main.ts from source.
 */
export function startIndexWorker(
  request: IndexRequest,
  onMessage: (m: IndexMessage) => void,
  entry = __filename.endsWith('.ts') ? path.join(__dirname, '..', 'lsp', 'main.ts') : __filename,
): { stop: () => Promise<void>; exited: Promise<number> } {
  const worker = new Worker(entry, { workerData: { tag: INDEX_TAG, request } });
  worker.on('message', onMessage);
  const exited = new Promise<number>((resolve) => {
    worker.on('error', () => resolve(1));
    worker.on('exit', resolve);
  });
  return { stop: () => worker.terminate().then(() => undefined), exited };
}

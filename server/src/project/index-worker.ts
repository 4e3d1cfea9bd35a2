/**
 * Builds the FileFacts of a workspace off the server's process, for its ownership index: a child
 * process walks the folders, prefilters, extracts each acquisition file's facts, then those of
 * its module-mates (module-files.ts), and sends them back in batches over IPC. The server never
 * walks or parses for the index, so no keystroke waits on it, and the memory the build needs
 * (its own wasm parser, the walk) goes back to the system when the child exits (a worker thread
 * left ~20 MB in the server's RSS). The child runs the server bundle itself: lsp/main.ts calls
 * runIndexWorker() when isIndexWorker().
 */
import * as path from 'node:path';
import { fork } from 'node:child_process';
import type { FileFacts } from '../core/facts/file-facts.ts';
import { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import type { ApiModelSetting } from '../core/types.ts';
import { factsOfText } from './analyze-source.ts';
import { decideFileModel } from './api-model.ts';
import { moduleMates } from './module-files.ts';
import { namesAcquisition } from './prefilter.ts';
import { readSourceText } from './read-source.ts';
import { walkSourceFiles } from './walk.ts';

/** Set in the child's environment: the request it serves, as JSON. */
const INDEX_REQUEST_ENV = 'GUP_REVIEW_INDEX_REQUEST';
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
  return process.env[INDEX_REQUEST_ENV] !== undefined && typeof process.send === 'function';
}

const send = (m: IndexMessage) => process.send!(m);

/** One file's own facts as the index takes them (read from disk; `force`: past the prefilter). */
export async function factsOfFile(
  file: string,
  api: ApiModelSetting,
  maxFileSize: number,
  force = false,
): Promise<FileFacts | undefined> {
  const text = readSourceText(file, {
    explicit: false,
    keep: force ? () => true : namesAcquisition,
    ...(maxFileSize ? { maxFileSize } : {}),
  });
  return text === undefined ? undefined : factsOfText(text, { model: decideFileModel(api, text, file) });
}

/** The worker side: index the folders of the one request it gets, then exit. */
export function runIndexWorker(): void {
  const req = JSON.parse(process.env[INDEX_REQUEST_ENV]!) as IndexRequest;
  void (async () => {
    const { files, errors } = walkSourceFiles(req.folders);
    const index = new OwnershipIndex();
    let batch: IndexedFile[] = [];
    let done = 0;
    const flush = (total: number) => {
      if (batch.length) send({ type: 'facts', items: batch, done, total });
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
    send({ type: 'done', walked: cFiles.length, indexed: index.files.length, problems: errors });
    // Exit once the messages are out (the channel closes after the last one is written).
    process.disconnect();
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
  const child = fork(entry, [], {
    env: { ...process.env, [INDEX_REQUEST_ENV]: JSON.stringify(request) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.on('message', (m) => onMessage(m as IndexMessage));
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
  return {
    stop: async () => {
      if (child.exitCode === null) child.kill();
      await exited;
    },
    exited,
  };
}

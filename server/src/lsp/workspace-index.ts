/**
 * The workspace's ownership index (core/ownership) in the server. Built in the background by an
 * index child process (project/index-worker.ts) when the server starts and when folders change, with
 * $/progress "gup-review: indexing workspace" and a log line when done; open C documents feed it
 * their own facts from memory each time they are analysed; files changed on disk
 * (didChangeWatchedFiles, which covers saves) are read again unless open. When what it says
 * changes, `onChange` has the open documents analysed again. Diagnostics ask it for a
 * document's view (`fieldsFor`) and never wait for it: before the first build ends, a document
 * sees what is indexed so far.
 */
import { CancellationToken, type Connection } from 'vscode-languageserver';
import type { FileFacts } from '../core/facts/file-facts.ts';
import { memberOf, type ExternalFields } from '../core/matcher/fields.ts';
import type { FileSummaries } from '../core/matcher/summaries.ts';
import { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { factsOfFile, startIndexWorker, type IndexMessage } from '../project/index-worker.ts';
import { pathOfUri } from './documents.ts';
import { beginProgress } from './progress.ts';

/** Coalesces index changes into one re-analysis of the open documents. */
const CHANGE_DELAY_MS = 30;

export interface WorkspaceIndexOptions {
  workDoneProgress: boolean;
  /** Files over this many bytes are not indexed. */
  maxFileSize: number;
  /**
   * The index says something new: analyse again the open documents for which `affects(file)` is
   * true (their own facts name a field whose facts changed elsewhere).
   */
  onChange: (affects: (file: string) => boolean) => void;
}

export class WorkspaceIndex {
  readonly ownership = new OwnershipIndex();
  /** Files whose facts come from an open document (the disk's version does not replace them). */
  private readonly fromMemory = new Set<string>();
  /** Each file's facts as JSON, to tell a real change from the same facts again. */
  private readonly seen = new Map<string, string>();
  /** Each file's view of the others (fieldsFor, functionsFor), until the next change of the index. */
  private readonly views = new Map<string, { fields: ExternalFields; functions: FileSummaries | undefined }>();
  private worker: { stop: () => Promise<void> } | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  /** What changed since the last onChange. */
  private pending = { members: new Set<string>(), functions: new Set<string>(), sources: new Set<string>() };
  /** Resolves when the current build ends (tests and the benchmark wait on it). */
  built: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly options: WorkspaceIndexOptions,
  ) {}

  /** Indexes the workspace folders (URIs) from scratch, in the background. */
  rebuild(folderUris: readonly string[]): void {
    void this.worker?.stop();
    const folders = folderUris.flatMap((u) => pathOfUri(u) ?? []);
    if (folders.length === 0) return;
    this.built = this.build(folders);
  }

  private async build(folders: string[]): Promise<void> {
    const started = performance.now();
    const progress = await beginProgress(
      this.connection,
      this.options.workDoneProgress,
      'gup-review: indexing workspace',
      CancellationToken.None,
    );
    let end: { walked: number; indexed: number; problems: string[] } | undefined;
    const worker = startIndexWorker({ folders, api: 'auto', maxFileSize: this.options.maxFileSize }, (m) => {
      if (m.type === 'done') end = m;
      else this.take(m, (message, pct) => progress.report(message, pct));
    });
    this.worker = worker;
    const code = await worker.exited;
    progress.done();
    if (this.worker !== worker) return; // replaced by a newer build
    this.worker = undefined;
    const ms = Math.round(performance.now() - started);
    if (end)
      this.connection.console.info(
        `gup-review: indexed ${end.indexed} of ${end.walked} C files in ${ms} ms` +
          (end.problems.length ? `; ${end.problems.length} not indexed: ${end.problems.slice(0, 3).join('; ')}` : ''),
      );
    else if (code !== 0) this.connection.console.error(`gup-review: the index process stopped (exit code ${code})`);
  }

  private take(m: Extract<IndexMessage, { type: 'facts' }>, report: (message: string, pct?: number) => void): void {
    for (const { file, facts } of m.items) if (!this.fromMemory.has(file)) this.put(file, facts);
    report(`${m.done}/${m.total} files`, m.total ? (m.done / m.total) * 100 : undefined);
  }

  /** The other files' view for a document at `file` (undefined: not a file on disk). */
  fieldsFor(file: string | undefined): ExternalFields | undefined {
    return file ? this.viewOf(file).fields : undefined;
  }

  /** What other files' extern helpers and wrappers that a document at `file` calls do. */
  functionsFor(file: string | undefined): FileSummaries | undefined {
    return file ? this.viewOf(file).functions : undefined;
  }

  /** A file's view, kept until the index changes: keystrokes that change no facts do not rebuild it. */
  private viewOf(file: string): { fields: ExternalFields; functions: FileSummaries | undefined } {
    let view = this.views.get(file);
    if (!view)
      this.views.set(
        file,
        (view = { fields: this.ownership.fieldsFor(file), functions: this.ownership.functionsFor(file) }),
      );
    return view;
  }

  /** An open document's own facts, as just analysed (undefined: it names no table call). */
  fromDocument(file: string, facts: FileFacts | undefined): void {
    this.fromMemory.add(file);
    this.put(file, facts);
  }

  /** A document closed: the file on disk speaks for it again. */
  async closed(file: string): Promise<void> {
    this.fromMemory.delete(file);
    await this.fromDisk(file);
  }

  /** A file changed, was created or deleted on disk (didChangeWatchedFiles). */
  async changedOnDisk(uri: string, deleted: boolean): Promise<void> {
    const file = pathOfUri(uri);
    if (!file || !/\.[ch]$/.test(file) || this.fromMemory.has(file)) return;
    if (deleted) this.put(file, undefined);
    else await this.fromDisk(file);
  }

  private async fromDisk(file: string): Promise<void> {
    let facts: FileFacts | undefined;
    try {
      // Past the prefilter: a module-mate names no acquisition and still releases a field.
      facts = await factsOfFile(file, 'auto', this.options.maxFileSize, true);
    } catch (e) {
      this.connection.console.warn(`gup-review: ${file}: not indexed: ${(e as Error).message}`);
    }
    if (!this.fromMemory.has(file)) this.put(file, facts);
  }

  private put(file: string, facts: FileFacts | undefined): void {
    const summaries = facts?.functions.map((fn) => [fn.name, fn.isStatic, fn.releasesParams, fn.acquiresFor]);
    const json = facts ? JSON.stringify([facts.fields, facts.otherSources, summaries]) : '';
    if ((this.seen.get(file) ?? '') === json) return;
    if (json) this.seen.set(file, json);
    else this.seen.delete(file);
    // What changed, old and new: the fields its facts name and the member names it fills otherwise.
    for (const f of [this.ownership.factsOf(file), facts]) {
      for (const ev of f?.fields ?? []) this.pending.members.add(memberOf(ev.field.path));
      for (const n of f?.otherSources ?? []) this.pending.members.add(n);
      for (const fn of f?.functions ?? [])
        if (fn.releasesParams.length || fn.acquiresFor) this.pending.functions.add(fn.name);
    }
    this.pending.sources.add(file);
    this.ownership.set(file, facts);
    this.views.clear();
    this.changed();
  }

  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      const { members, functions, sources } = this.pending;
      this.pending = { members: new Set(), functions: new Set(), sources: new Set() };
      // Another file whose own facts name one of those members or call one of those functions;
      // a file's own change is already in its analysis.
      this.options.onChange((file) => {
        if (sources.size === 1 && sources.has(file)) return false;
        const own = this.ownership.factsOf(file);
        return (
          !!own?.fields.some((ev) => members.has(memberOf(ev.field.path))) ||
          !!own?.functions.some((fn) => fn.calls.some((c) => functions.has(c)))
        );
      });
    }, CHANGE_DELAY_MS);
  }

  async dispose(): Promise<void> {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    await this.worker?.stop();
  }
}

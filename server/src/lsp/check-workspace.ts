/**
 * "Check Workspace": every source file under the workspace folders (walked, read, prefiltered
 * and analysed through the project layer, as the CLI does) that names an acquisition is analysed
 * and its findings published, so they show in Problems. Open documents keep their live
 * diagnostics. Unchanged files answer from the content-hash cache. Reports progress with a
 * notification (gupReview/checkWorkspaceProgress) and, for clients that declare it, with
 * $/progress; stops between files when cancelled; the summary goes to window/logMessage too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type ProgressToken,
} from 'vscode-languageserver';
import type { ExternalFields } from '../core/matcher/fields.ts';
import type { AnalysisResult } from '../core/types.ts';
import { analyzeFocused } from '../project/analyze-source.ts';
import { decideFileModel } from '../project/api-model.ts';
import { ContentCache } from '../project/content-cache.ts';
import { namesAcquisition } from '../project/prefilter.ts';
import { decodeSource, readSource } from '../project/read-source.ts';
import { walkSourceFiles } from '../project/walk.ts';
import { sizeLimitProblem } from './analysis-limits.ts';
import type { ConfigurationProvider } from './configuration.ts';
import { toDiagnostic } from './convert.ts';
import type { DocumentStore } from './documents.ts';
import { beginProgress, type Progress } from './progress.ts';
import {
  CHECK_WORKSPACE_PROGRESS,
  type CheckWorkspaceParams,
  type CheckWorkspaceProgress,
  type CheckWorkspaceResult,
} from './protocol.ts';
import { analysisOptions } from './settings.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class WorkspaceChecker {
  /** URIs this checker published diagnostics for (cleared when a new check finds nothing there). */
  private readonly published = new Set<string>();
  /** Analyses by content, model and rules: a second check of unchanged files parses nothing. */
  private readonly cache = new ContentCache<AnalysisResult>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: DocumentStore,
    private readonly configuration: ConfigurationProvider,
    private readonly defaultFolders: () => string[],
    private readonly options: {
      /** The client declared window.workDoneProgress. */
      workDoneProgress?: boolean;
      /** Converts a checked file's diagnostics to the client's position encoding. */
      toClient?: (uri: string, text: string, diagnostics: Diagnostic[]) => Diagnostic[];
      /** The client pulls diagnostics for open documents: a checked file's pushed ones go when it opens. */
      clearOnOpen?: boolean;
      /** The workspace index's view of other files for a file (ownership across files). */
      fieldsFor?: (file: string) => ExternalFields | undefined;
      /** Whether the workspace index holds a file (a module-mate is checked past the prefilter). */
      indexed?: (file: string) => boolean;
      /** Called after each file (the server reads its young generation's size there). */
      afterFile?: () => void;
    } = {},
  ) {}

  async check(
    params: (CheckWorkspaceParams & { workDoneToken?: ProgressToken }) | undefined,
    requestToken: CancellationToken,
  ): Promise<CheckWorkspaceResult> {
    if (
      params?.folders !== undefined &&
      (!Array.isArray(params.folders) || !params.folders.every((f) => typeof f === 'string'))
    ) {
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        'gupReview/checkWorkspace: folders must be a list of folder URIs',
      );
    }
    const folders = params?.folders ?? this.defaultFolders();
    const problems: string[] = [];
    const files: string[] = [];
    const dirs: string[] = [];
    for (const f of folders) {
      let dir: string;
      try {
        dir = f.startsWith('file:') ? fileURLToPath(f) : f;
      } catch {
        problems.push(`not a file URI: ${f}`);
        continue;
      }
      if (!fs.existsSync(dir)) problems.push(`no such folder: ${dir}`);
      else dirs.push(dir);
    }
    // One walk over every folder: a folder inside another (or linked into it) is walked once.
    const walked = walkSourceFiles(dirs);
    files.push(...walked.files);
    problems.push(...walked.errors);
    const result: CheckWorkspaceResult = {
      filesChecked: 0,
      filesWithFindings: 0,
      findingCount: 0,
      cancelled: false,
      problems,
    };
    const stale = new Set(this.published);
    const progress = await beginProgress(
      this.connection,
      !!this.options.workDoneProgress,
      'gup-review: checking C files',
      requestToken,
      params?.workDoneToken,
    );
    let done = 0;
    try {
      done = await this.checkFiles(files, result, stale, progress);
    } finally {
      progress.done();
    }
    if (!result.cancelled) for (const uri of stale) this.clear(uri);
    void this.connection.sendNotification(CHECK_WORKSPACE_PROGRESS, {
      done,
      total: files.length,
    } satisfies CheckWorkspaceProgress);
    const { filesChecked, findingCount, filesWithFindings } = result;
    this.connection.console.info(
      `gup-review: ${result.cancelled ? 'workspace check cancelled after ' : 'workspace check: '}${filesChecked} C file${filesChecked === 1 ? '' : 's'} checked, ` +
        `${findingCount} finding${findingCount === 1 ? '' : 's'} in ${filesWithFindings} file${filesWithFindings === 1 ? '' : 's'}` +
        `${problems.length > 0 ? `; ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}` : ''}`,
    );
    return result;
  }

  private async checkFiles(
    files: string[],
    result: CheckWorkspaceResult,
    stale: Set<string>,
    progressUi: Progress,
  ): Promise<number> {
    const token = progressUi.token;
    const problems = result.problems;
    let i = 0;
    for (; i < files.length; i++) {
      if (token.isCancellationRequested) {
        result.cancelled = true;
        break;
      }
      const file = files[i]!;
      const progress: CheckWorkspaceProgress = { done: i, total: files.length, file };
      void this.connection.sendNotification(CHECK_WORKSPACE_PROGRESS, progress);
      progressUi.report(`${i}/${files.length} ${path.basename(file)}`, (i / files.length) * 100);
      const uri = pathToFileURL(file).href;
      // A module-mate the index knows (it releases a field another file fills) is checked too.
      const indexed = !!this.options.indexed?.(file);
      const read = readSource(file, { explicit: false, keep: indexed ? () => true : namesAcquisition });
      if (read.kind === 'failed' || read.kind === 'not-regular' || read.kind === 'too-big') {
        problems.push(`${file}: ${read.kind === 'failed' ? read.reason : 'not a regular file'}`);
        continue;
      }
      result.filesChecked++;
      stale.delete(uri);
      if (read.kind === 'skipped') {
        this.clear(uri);
        continue;
      }
      const decoded = decodeSource(read.source.buf);
      if ('error' in decoded) {
        problems.push(`${file}: ${decoded.error}, not checked`);
        continue;
      }
      const text = decoded.text;
      const settings = await this.configuration.get(uri);
      const tooBig = sizeLimitProblem(text.length, settings);
      if (tooBig) {
        problems.push(`${file}: ${tooBig}`);
        continue;
      }
      let analysis: AnalysisResult;
      try {
        const model = decideFileModel(settings.apiModel, text, file);
        // Other files' view of the fields this one touches (the workspace's ownership index).
        const fields = this.options.fieldsFor?.(file);
        const options = { ...analysisOptions(settings, model), ...(fields?.size ? { fields } : {}) };
        const how = JSON.stringify([model.model, model.reason, options.rules ?? {}, [...(fields ?? [])]]);
        analysis = this.cache.get(text, how) ?? (await analyzeFocused(text, options));
        this.cache.set(text, how, analysis);
      } catch (err) {
        // One file that cannot be analysed (10,000 nested braces overflow the stack) is reported; the check goes on.
        problems.push(`${file}: analysis failed: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      // Functions the analysis had to skip (thousands of nested blocks): said per file.
      for (const p of analysis.problems ?? []) problems.push(`${file}: ${p}`);
      if (analysis.findings.length > 0) {
        result.filesWithFindings++;
        result.findingCount += analysis.findings.length;
      }
      if (!this.documents.get(uri)) {
        if (analysis.findings.length > 0) {
          this.published.add(uri);
          const diagnostics = analysis.findings.map((f) => toDiagnostic(f, uri, 0));
          void this.connection.sendDiagnostics({
            uri,
            diagnostics: this.options.toClient ? this.options.toClient(uri, text, diagnostics) : diagnostics,
          });
        } else this.clear(uri);
      }
      this.options.afterFile?.();
      await nextTurn();
    }
    return i;
  }

  private clear(uri: string): void {
    if (!this.published.delete(uri) || this.documents.get(uri)) return;
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * When a checked file is opened, its live diagnostics replace the checked ones: published over
   * them (push), or pulled, when the pushed ones are cleared so that the file does not show both.
   */
  opened(uri: string): void {
    if (this.published.delete(uri) && this.options.clearOnOpen)
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}

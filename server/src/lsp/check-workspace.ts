/**
 * "Check Workspace": every source file under the workspace folders (walked, read, prefiltered
 * and analysed through the project layer, as the CLI does) that names an acquisition is analysed
 * and its findings published, so they show in Problems. Open documents keep their live
 * diagnostics. Unchanged files answer from the content-hash cache. Reports progress with a
 * notification and stops between files when cancelled.
 */
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';
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
  ) {}

  async check(params: CheckWorkspaceParams | undefined, token: CancellationToken): Promise<CheckWorkspaceResult> {
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
    let i = 0;
    for (; i < files.length; i++) {
      if (token.isCancellationRequested) {
        result.cancelled = true;
        break;
      }
      const file = files[i]!;
      const progress: CheckWorkspaceProgress = { done: i, total: files.length, file };
      void this.connection.sendNotification(CHECK_WORKSPACE_PROGRESS, progress);
      const uri = pathToFileURL(file).href;
      const read = readSource(file, { explicit: false, keep: namesAcquisition });
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
        const options = analysisOptions(settings, model);
        const how = JSON.stringify([model.model, model.reason, options.rules ?? {}]);
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
          void this.connection.sendDiagnostics({
            uri,
            diagnostics: analysis.findings.map((f) => toDiagnostic(f, uri, 0)),
          });
        } else this.clear(uri);
      }
      await nextTurn();
    }
    if (!result.cancelled) for (const uri of stale) this.clear(uri);
    void this.connection.sendNotification(CHECK_WORKSPACE_PROGRESS, {
      done: i,
      total: files.length,
    } satisfies CheckWorkspaceProgress);
    return result;
  }

  private clear(uri: string): void {
    if (!this.published.delete(uri) || this.documents.get(uri)) return;
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** When a checked file is opened, its live diagnostics replace the checked ones. */
  opened(uri: string): void {
    this.published.delete(uri);
  }
}

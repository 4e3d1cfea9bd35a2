/**
 * Analysis of open documents and diagnostics push. Every change schedules one analysis per
 * document (coalesced: a burst of changes queued before it runs costs one analysis); C documents
 * go through core analyzeTree with the document's incremental tree and FunctionCache, patch and
 * mail documents through core/patch reviewPatch. Results are kept per document version so hover,
 * code actions and highlights answer from the same findings the user sees.
 */
import * as path from 'node:path';
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { analyzeTree } from '../core/analyze.ts';
import { chooseModel } from '../core/api-model.ts';
import { detectPatchInput, reviewPatch, type PatchInputKind } from '../core/patch/index.ts';
import type { Finding, ModelChoice, Pairing } from '../core/types.ts';
import type { ConfigurationProvider } from './configuration.ts';
import { toDiagnostic } from './convert.ts';
import type { DocumentStore, OpenDocument } from './documents.ts';
import { STATUS_NOTIFICATION, type DocumentStatus } from './protocol.ts';
import { sizeLimitProblem, timeBudgetProblem } from './analysis-limits.ts';
import { analysisOptions } from './settings.ts';

export interface DocumentAnalysis {
  uri: string;
  version: number;
  findings: Finding[];
  /** C documents: each acquisition with the releases its pages reach (hover, highlights). */
  pairings: Pairing[];
  diagnostics: Diagnostic[];
  model: ModelChoice;
  problems: string[];
}

/**
 * How diagnostics reach the client: published (push), or answered to textDocument/diagnostic
 * (pull) when the client declares `textDocument.diagnostic`; never both to one client.
 */
export type DiagnosticsMode = 'push' | 'pull';

export interface DiagnosticsServiceOptions {
  mode?: DiagnosticsMode;
  /** Converts a document's diagnostics to the client's position encoding. */
  toClient?: (uri: string, diagnostics: Diagnostic[]) => Diagnostic[];
}

export class DiagnosticsService {
  private readonly results = new Map<string, DocumentAnalysis>();
  /** Last status problems said in window/logMessage per document (said again only when they change). */
  private readonly logged = new Map<string, string>();
  readonly mode: DiagnosticsMode;
  private readonly toClient: (uri: string, diagnostics: Diagnostic[]) => Diagnostic[];
  private readonly scheduled = new Map<string, NodeJS.Immediate>();
  private readonly running = new Map<string, Promise<DocumentAnalysis | undefined>>();
  /** Document version each running analysis started from. */
  private readonly runningVersion = new Map<string, number>();
  /** Documents not analysed as they change, with the reason (an analysis went over the time budget). */
  private readonly paused = new Map<string, string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: DocumentStore,
    private readonly configuration: ConfigurationProvider,
    /** Workspace folder (a path) holding a document: patches are applied to its files for context. */
    private readonly folderOf: (uri: string) => string | undefined = () => undefined,
    /** Resolves when documents can have trees (the grammar is loaded). */
    private readonly parserReady: Promise<unknown> = Promise.resolve(),
    options: DiagnosticsServiceOptions = {},
  ) {
    this.mode = options.mode ?? 'push';
    this.toClient = options.toClient ?? ((_uri, d) => d);
  }

  /** The document's diagnostics for its current version, in the client's encoding (pull). */
  async clientDiagnostics(uri: string): Promise<{ version: number; diagnostics: Diagnostic[] } | undefined> {
    const analysis = await this.current(uri);
    if (!analysis) return undefined;
    return { version: analysis.version, diagnostics: this.toClient(uri, analysis.diagnostics) };
  }

  /** Analyse soon (after the messages already queued), then publish. */
  schedule(uri: string): void {
    if (this.scheduled.has(uri)) return;
    this.scheduled.set(
      uri,
      setImmediate(() => {
        this.scheduled.delete(uri);
        void this.refresh(uri).catch((err: unknown) => this.failed(uri, err));
      }),
    );
  }

  scheduleAll(): void {
    this.paused.clear(); // settings changed: a paused document gets another try
    for (const doc of this.documents.all()) this.schedule(doc.uri);
  }

  /** Results for the document's current version, analysing now if needed. */
  async current(uri: string): Promise<DocumentAnalysis | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const have = this.results.get(uri);
    if (have && have.version === doc.version) return have;
    return this.refresh(uri);
  }

  /** Analyses and publishes; concurrent calls for one document share the run. */
  refresh(uri: string): Promise<DocumentAnalysis | undefined> {
    const pending = this.running.get(uri);
    const doc = this.documents.get(uri);
    if (pending && doc && this.runningVersion.get(uri) === doc.version) return pending;
    const run = this.analyze(uri).finally(() => {
      if (this.running.get(uri) === run) this.running.delete(uri);
    });
    this.running.set(uri, run);
    if (doc) this.runningVersion.set(uri, doc.version);
    return run;
  }
  private async analyze(uri: string): Promise<DocumentAnalysis | undefined> {
    const doc = this.documents.get(uri);
    if (!doc || doc.kind === 'text') return undefined;
    const version = doc.version;
    await this.parserReady;
    const settings = await this.configuration.get(uri);
    if (this.documents.get(uri) !== doc || doc.version !== version) return this.current(uri);
    const options = analysisOptions(settings, doc.filePath);
    let findings: Finding[];
    let pairings: Pairing[] = [];
    let model: ModelChoice;
    const problems = [...settings.problems];
    // Over the size limit, or paused after an analysis over the time budget: skipped, and said so.
    const skipped = sizeLimitProblem(doc.text.length, settings) ?? this.paused.get(uri);
    if (skipped)
      return this.publish({
        uri,
        version,
        findings: [],
        pairings: [],
        diagnostics: [],
        model: chooseModel(options.api, doc.text, doc.filePath),
        problems: [...problems, skipped],
      });
    const started = performance.now();
    if (doc.kind === 'c') {
      const tree = doc.getTree()!;
      const result = analyzeTree(doc.text, tree, options, doc.cache);
      findings = result.findings;
      pairings = result.pairings;
      model = result.model;
      problems.push(...(result.problems ?? []));
    } else {
      const text = doc.text;
      const kind = patchInputKind(doc);
      const tree = this.folderOf(uri);
      const result = await reviewPatch(text, kind, tree ? { ...options, tree } : options);
      if (this.documents.get(uri) !== doc || doc.version !== version) return this.current(uri);
      findings = result.findings;
      problems.push(...result.problems);
      // Same choice as the reviewer: the workspace's kernel tree, else the patch text itself.
      model = chooseModel(options.api, text, tree ? path.join(tree, 'include', 'x') : undefined);
    }
    const overBudget = timeBudgetProblem(performance.now() - started, settings);
    if (overBudget) {
      this.paused.set(uri, overBudget);
      problems.push(overBudget);
    }
    const diagnostics = findings.map((f) => toDiagnostic(f, uri, version));
    return this.publish({ uri, version, findings, pairings, diagnostics, model, problems });
  }

  private publish(analysis: DocumentAnalysis): DocumentAnalysis {
    const { uri, version, diagnostics } = analysis;
    this.results.set(uri, analysis);
    if (this.mode === 'push')
      void this.connection.sendDiagnostics({ uri, version, diagnostics: this.toClient(uri, diagnostics) });
    void this.connection.sendNotification(STATUS_NOTIFICATION, statusOf(analysis));
    this.logProblems(uri, analysis.problems);
    return analysis;
  }

  /**
   * What the status item shows (not analysed over the size limit, paused over the time budget, a
   * bad setting, a patch that does not apply) also goes to window/logMessage, which every client
   * shows somewhere; once per change, not at every keystroke.
   */
  private logProblems(uri: string, problems: readonly string[]): void {
    const said = problems.join('\n');
    if ((this.logged.get(uri) ?? '') === said) return;
    this.logged.set(uri, said);
    if (problems.length > 0) this.connection.console.warn(`gup-review: ${uri}: ${problems.join('; ')}`);
    else this.connection.console.info(`gup-review: ${uri}: analysed again, no problems left`);
  }

  /** An analysis threw: log it, and say so in the status item (the last diagnostics stay). */
  private failed(uri: string, err: unknown): void {
    this.connection.console.error(
      `gup-review: analysis of ${uri} failed: ${err instanceof Error ? err.stack : String(err)}`,
    );
    const doc = this.documents.get(uri);
    const last = this.results.get(uri);
    if (!doc) return;
    const status: DocumentStatus = {
      uri,
      version: doc.version,
      model: last?.model.model ?? 'unpin_user_page',
      reason: last?.model.reason ?? 'not analysed',
      findingCount: last?.findings.length ?? 0,
      problems: [`analysis failed: ${err instanceof Error ? err.message : String(err)} (details in the output)`],
    };
    void this.connection.sendNotification(STATUS_NOTIFICATION, status);
    this.logged.set(uri, status.problems.join('\n'));
  }

  /** On close: forget results and clear the document's diagnostics. */
  closed(uri: string): void {
    this.paused.delete(uri);
    const timer = this.scheduled.get(uri);
    if (timer) clearImmediate(timer);
    this.scheduled.delete(uri);
    this.results.delete(uri);
    this.running.delete(uri);
    this.runningVersion.delete(uri);
    this.logged.delete(uri);
    // A pulling client drops a closed document's diagnostics itself.
    if (this.mode === 'push') void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}

function languageIdOf(doc: OpenDocument): string {
  return doc.doc.languageId;
}

export function statusOf(a: DocumentAnalysis): DocumentStatus {
  return {
    uri: a.uri,
    version: a.version,
    model: a.model.model,
    reason: a.model.reason,
    findingCount: a.findings.length,
    problems: a.problems,
  };
}

/** A patch being prepared ('diff') or received mail: by file name or content, else by language. */
export function patchInputKind(doc: OpenDocument): PatchInputKind {
  return (
    detectPatchInput(doc.filePath ?? doc.uri, doc.text) ??
    (['patch-mail', 'mail'].includes(languageIdOf(doc)) ? 'mail' : 'diff')
  );
}

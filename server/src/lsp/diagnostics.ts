/**
 * Analysis of open documents and diagnostics push. Every change schedules one analysis per
 * document, run once the client's queued messages are handled (message-queue.ts): a burst of
 * changes costs one analysis, of the last version. A result is published only while its version
 * is the document's current one, so versions reach the client in order; C documents
 * go through core analyzeTree with the document's incremental tree and FunctionCache, patch and
 * mail documents through the project layer's reviewPatch. Results are kept per document version so hover,
 * code actions and highlights answer from the same findings the user sees. The API model of a
 * document version is decided once, in modelOf() (through the project layer): the findings are
 * made in it and the status item shows it.
 */
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { analyzeTreeFactsLater, type FileFacts } from '../core/analyze.ts';
import type { ExternalFields } from '../core/matcher/fields.ts';
import type { FileSummaries } from '../core/matcher/summaries.ts';
import { detectPatchInput, readPatchInput, type PatchInput, type PatchInputKind } from '../core/patch/index.ts';
import { decideFileModel, decidePatchModel, ModelDecisions } from '../project/api-model.ts';
import { patchModel, reviewPatch } from '../project/review-patch.ts';
import type { ApiModelSetting, Finding, ModelChoice, Note, Pairing } from '../core/types.ts';
import type { ConfigurationProvider } from './configuration.ts';
import { toDiagnostic } from './convert.ts';
import type { DocumentStore, OpenDocument } from './documents.ts';
import { STATUS_NOTIFICATION, type DocumentStatus } from './protocol.ts';
import { sizeLimitProblem, timeBudgetProblem } from './analysis-limits.ts';
import { analysisOptions } from './settings.ts';
import { MessageQueueWatch } from './message-queue.ts';
import { StaleDiagnostics } from './stale-diagnostics.ts';

export interface DocumentAnalysis {
  uri: string;
  version: number;
  findings: Finding[];
  /** C documents: each acquisition with the releases its pages reach (hover, highlights). */
  pairings: Pairing[];
  diagnostics: Diagnostic[];
  model: ModelChoice;
  problems: string[];
  /** C documents: where the analysis stayed quiet, and the document's own facts (references, code lenses). */
  notes?: Note[];
  facts?: FileFacts;
}

/**
 * How diagnostics reach the client: published (push), or answered to textDocument/diagnostic
 * (pull) when the client declares `textDocument.diagnostic`; never both to one client.
 */
export type DiagnosticsMode = 'push' | 'pull';

/** What the analysis of a C document asks of the workspace's ownership index (workspace-index.ts). */
export interface OwnershipSource {
  fieldsFor(file: string | undefined): ExternalFields | undefined;
  functionsFor(file: string | undefined): FileSummaries | undefined;
  fromDocument(file: string, facts: FileFacts | undefined): void;
}

export interface DiagnosticsServiceOptions {
  mode?: DiagnosticsMode;
  /** The workspace index: other files' view of the fields a document touches. */
  ownership?: OwnershipSource;
  /** Converts a document's diagnostics to the client's position encoding. */
  toClient?: (uri: string, diagnostics: Diagnostic[]) => Diagnostic[];
  /** The connection's message queue (analyses wait for it to drain); default: one never fed. */
  queue?: MessageQueueWatch;
  /** Called at each analysis published (the idle collector counts its idle time from there). */
  onPublished?: () => void;
}

export class DiagnosticsService {
  private readonly results = new Map<string, DocumentAnalysis>();
  /** Analyses whose facts are not read yet, with what reads them. */
  private readonly pendingFacts = new Map<DocumentAnalysis, () => void>();
  /** Last status problems said in window/logMessage per document (said again only when they change). */
  private readonly logged = new Map<string, string>();
  private readonly onPublished: () => void;
  readonly mode: DiagnosticsMode;
  private readonly toClient: (uri: string, diagnostics: Diagnostic[]) => Diagnostic[];
  private readonly queue: MessageQueueWatch;
  /** Documents waiting for the message queue to drain, with the function that cancels the wait. */
  private readonly scheduled = new Map<string, () => void>();
  private readonly running = new Map<string, Promise<DocumentAnalysis | undefined>>();
  /** Document version each running analysis started from. */
  private readonly runningVersion = new Map<string, number>();
  /** Documents not analysed as they change, with the reason (an analysis went over the time budget). */
  private readonly paused = new Map<string, string>();
  /** A paused document's last diagnostics, shown (moved with the edits, marked stale) while it is paused. */
  private readonly stale = new Map<string, StaleDiagnostics>();
  /** The API model of each document version: decided once, used by the analysis and the status. */
  private readonly decisions = new ModelDecisions();
  private readonly ownership: OwnershipSource | undefined;

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
    this.ownership = options.ownership;
    this.toClient = options.toClient ?? ((_uri, d) => d);
    this.queue = options.queue ?? new MessageQueueWatch();
    this.onPublished = options.onPublished ?? (() => {});
  }

  /**
   * The document's diagnostics for its latest version, in the client's encoding (pull). Answered
   * once the changes queued behind the request are applied, so a pull in the middle of a burst
   * costs no analysis of a version already replaced.
   */
  async clientDiagnostics(uri: string): Promise<{ version: number; diagnostics: Diagnostic[] } | undefined> {
    await this.queue.drained();
    const analysis = await this.current(uri);
    if (!analysis) return undefined;
    return { version: analysis.version, diagnostics: this.toClient(uri, analysis.diagnostics) };
  }

  /**
   * Analyse once the messages already queued are handled, then publish. Changes that arrive
   * meanwhile join the same wait; a version already analysed (a hover asked first) is not analysed again.
   */
  schedule(uri: string): void {
    if (this.scheduled.has(uri)) return;
    this.scheduled.set(
      uri,
      this.queue.afterDrained(() => {
        this.scheduled.delete(uri);
        void this.current(uri, false).catch((err: unknown) => this.failed(uri, err));
      }),
    );
  }

  /**
   * The ownership index changed: the open C documents at files it `affects` are analysed again
   * (their caches keep what did not change). Whether there was any.
   */
  scheduleOpen(affects: (file: string) => boolean): boolean {
    let any = false;
    for (const doc of this.documents.all()) {
      const file = doc.filePath;
      if (doc.kind !== 'c' || !file || !affects(file)) continue;
      // Same version, new view of the other files: its results go, so the run analyses again.
      this.results.delete(doc.uri);
      this.schedule(doc.uri);
      any = true;
    }
    return any;
  }

  scheduleAll(): void {
    this.paused.clear(); // settings changed: a paused document gets another try
    this.stale.clear();
    this.decisions.clear(); // settings or an mm.h changed: every model is decided again
    this.results.clear(); // and every document is analysed again, at its same version
    for (const doc of this.documents.all()) this.schedule(doc.uri);
  }

  /**
   * Results for the document's current version, analysing now if needed; with its facts read
   * (a request reads them) unless `withFacts` is false (the scheduled run after a change, which
   * leaves them until the diagnostics are out).
   */
  async current(uri: string, withFacts = true): Promise<DocumentAnalysis | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const have = this.results.get(uri);
    const analysis = have && have.version === doc.version ? have : await this.refresh(uri);
    if (analysis && withFacts) this.pendingFacts.get(analysis)?.();
    return analysis;
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
    let findings: Finding[];
    let pairings: Pairing[] = [];
    let notes: Note[] | undefined;
    let factsLater: (() => FileFacts | undefined) | undefined;
    let model: ModelChoice;
    const problems = [...settings.problems];
    // Over the size limit, or paused after an analysis over the time budget: skipped, and said so.
    // Paused, its last diagnostics stay, marked stale (quick fixes and hovers need current findings).
    const tooBig = sizeLimitProblem(doc.text.length, settings);
    const skipped = tooBig ?? this.paused.get(uri);
    if (skipped)
      return this.publish({
        uri,
        version,
        findings: [],
        pairings: [],
        diagnostics: (!tooBig && this.stale.get(uri)?.movedTo(doc.doc)) || [],
        // A patch is not read (too big to analyse): the model its text and tree give.
        model: this.modelOf(doc, settings.apiModel, this.folderOf(uri)),
        problems: [...problems, skipped],
      });
    const started = performance.now();
    if (doc.kind === 'c') {
      const tree = doc.getTree()!;
      model = this.modelOf(doc, settings.apiModel, undefined);
      const file = doc.filePath;
      const fields = this.ownership?.fieldsFor(file);
      const functions = this.ownership?.functionsFor(file);
      const options = {
        ...analysisOptions(settings, model),
        ...(fields ? { fields } : {}),
        ...(functions ? { functions } : {}),
      };
      const analysed = analyzeTreeFactsLater(doc.text, tree, options, doc.cache);
      const result = analysed.result;
      // The facts for the ownership index are read once the diagnostics are out (below).
      if (this.ownership && file) factsLater = analysed.factsOf;
      findings = result.findings;
      pairings = result.pairings;
      notes = result.notes;
      problems.push(...(result.problems ?? []));
    } else {
      const text = doc.text;
      const kind = patchInputKind(doc);
      const folder = this.folderOf(uri);
      const input = await readPatchInput(text, kind);
      if (this.documents.get(uri) !== doc || doc.version !== version) return this.current(uri);
      model = this.modelOf(doc, settings.apiModel, folder, input);
      const result = await reviewPatch(text, kind, {
        model,
        input,
        rules: settings.rules,
        ...(folder ? { tree: folder } : {}),
      });
      if (this.documents.get(uri) !== doc || doc.version !== version) return this.current(uri);
      findings = result.findings;
      problems.push(...result.problems);
    }
    const overBudget = timeBudgetProblem(performance.now() - started, settings);
    const diagnostics = findings.map((f) => toDiagnostic(f, uri, version));
    if (overBudget) {
      this.paused.set(uri, overBudget);
      this.stale.set(uri, new StaleDiagnostics(uri, version, doc.text, diagnostics));
      problems.push(overBudget);
    }
    const published = this.publish(
      {
        uri,
        version,
        findings,
        pairings,
        diagnostics,
        model,
        problems,
        ...(notes ? { notes } : {}),
      },
      performance.now() - started,
    );
    // The document's own facts, for its references and lenses and for the workspace index (which
    // re-analyses the files they affect): read once the diagnostics are on their way, or when a
    // request asks for this analysis first (current()). Only from the tree the analysis read,
    // while the document still holds it unedited; a change since brings its own analysis.
    const file = doc.filePath;
    const ownership = this.ownership;
    if (factsLater && file && ownership) {
      const read = factsLater;
      const analysedTree = doc.getTreeIfCurrent();
      const flush = () => {
        if (!this.pendingFacts.delete(published)) return; // read already
        if (this.documents.get(uri) !== doc || doc.version !== version || doc.getTreeIfCurrent() !== analysedTree)
          return;
        const facts = read();
        if (facts) published.facts = facts;
        ownership.fromDocument(file, facts);
      };
      this.pendingFacts.set(published, flush);
      setImmediate(flush);
    }
    return published;
  }

  /**
   * The one place the server decides a document's model, once per version: a C document by its
   * file's kernel tree, else its text; a patch by its workspace folder's tree, else the patch as
   * given and as decoded (`input`; as given only when it was not read).
   */
  private modelOf(doc: OpenDocument, setting: ApiModelSetting, folder: string | undefined, input?: PatchInput) {
    return this.decisions.decide(doc.uri, doc.version, setting, () => {
      if (doc.kind === 'c') return decideFileModel(setting, doc.text, doc.filePath);
      const tree = folder ? { tree: folder } : {};
      return input ? patchModel(input, { api: setting, ...tree }) : decidePatchModel(setting, [doc.text], folder);
    });
  }

  private publish(analysis: DocumentAnalysis, elapsedMs?: number): DocumentAnalysis {
    const { uri, version, diagnostics } = analysis;
    // A newer version arrived while this one was analysed (a patch's analysis awaits): its own
    // analysis publishes; publishing this one now would put an old version after a newer one.
    if (this.documents.get(uri)?.version !== version) return analysis;
    this.results.set(uri, analysis);
    if (elapsedMs !== undefined)
      this.connection.tracer.log(
        `gup-review: analysed ${uri} version ${version} in ${elapsedMs.toFixed(1)} ms: ${analysis.findings.length} findings`,
      );
    if (this.mode === 'push')
      void this.connection.sendDiagnostics({ uri, version, diagnostics: this.toClient(uri, diagnostics) });
    void this.connection.sendNotification(STATUS_NOTIFICATION, statusOf(analysis));
    this.logProblems(uri, analysis.problems);
    this.onPublished();
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
      ...(last ? { evidence: last.model.evidence } : {}),
      findingCount: last?.findings.length ?? 0,
      problems: [`analysis failed: ${err instanceof Error ? err.message : String(err)} (details in the output)`],
    };
    void this.connection.sendNotification(STATUS_NOTIFICATION, status);
    this.logged.set(uri, status.problems.join('\n'));
  }

  /** On close: forget results and clear the document's diagnostics. */
  closed(uri: string): void {
    this.paused.delete(uri);
    this.stale.delete(uri);
    this.decisions.forget(uri);
    this.scheduled.get(uri)?.();
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
    evidence: a.model.evidence,
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

/**
 * Plain data types of the analysis core. No editor or LSP types here: the CLI, the language
 * server and the tests all consume these and convert at their edge.
 *
 * Positions are 0-based lines and 0-based UTF-16 columns (the same unit as LSP's default and as
 * JavaScript strings). The CLI converts to 1-based when it prints.
 */

export type RuleId =
  'wrong-release' | 'mismatched-release' | 'missing-release' | 'release-count' | 'unchecked-result' | 'batch-release';

export type Severity = 'off' | 'hint' | 'info' | 'warning' | 'error';

/** The API model: which release pairs with which acquisition (domain.md §3). */
export type ApiModel = 'put_user_page' | 'unpin_user_page';
export type ApiModelSetting = 'auto' | ApiModel;

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  range: Range;
  message: string;
  /** Absent: the same file as the finding. */
  file?: string;
}

export interface Finding {
  rule: RuleId;
  severity: Exclude<Severity, 'off'>;
  message: string;
  range: Range;
  /** The acquisition first, then the other releases of the same pages. */
  related: RelatedLocation[];
  /** The first fix is the preferred one. */
  fixes: Fix[];
  /** Name of the enclosing function, when known. */
  functionName?: string;
}

export interface AnalysisOptions {
  /** `auto` (default) picks per file, see api-model.ts. Ignored when `model` is given. */
  api?: ApiModelSetting;
  /**
   * The model decided for this file (the project layer decides once per file per run, from the
   * text as it was read). Absent: decided here from `api`, `kernelTree` and the text.
   */
  model?: ModelChoice;
  /** The nearest kernel tree's mm.h, as the project layer read it (null: no tree). */
  kernelTree?: KernelTreeInfo | null;
  /** Severity per rule; missing rules take their default. `off` drops the rule. */
  rules?: Partial<Record<RuleId, Severity>>;
}

/** What a kernel tree's include/linux/mm.h says (read by the project layer, judged by api-model.ts). */
export interface KernelTreeInfo {
  /** Path of the mm.h. */
  mmHeader: string;
  declares: 'unpin_user_page' | 'put_user_page' | 'neither';
  /** GUP_PIN_COUNTING_BIAS as #defined there (the default when it is not). */
  bias: number;
}

/** The evidence that chose a model (shown by the status item and --verbose). */
export type ModelEvidence =
  | { kind: 'setting' }
  | { kind: 'kernel-tree'; mmHeader: string; declares: KernelTreeInfo['declares'] }
  | { kind: 'text'; call: string; line?: number }
  | { kind: 'default' };

export interface ModelChoice {
  model: ApiModel;
  /** Human-readable reason, e.g. "auto: /src/linux/include/linux/mm.h declares unpin_user_page()". */
  reason: string;
  evidence: ModelEvidence;
}

export interface AnalysisResult {
  findings: Finding[];
  model: ModelChoice;
  /**
   * Where the analysis chose to stay quiet and why (data flow unknown, pages escape, …);
   * shown by `--verbose` and the server's trace.
   */
  notes: Array<{ range: Range; message: string }>;
  /** Functions that could not be analysed at all (shown to the user, not only in verbose output). */
  problems?: string[];
}

/**
 * Plain data types of the analysis core. No editor or LSP types here: the CLI, the language
 * server and the tests all consume these and convert at their edge.
 *
 * Positions are 0-based lines and 0-based UTF-16 columns (the same unit as LSP's default and as
 * JavaScript strings). The CLI converts to 1-based when it prints.
 */

import type { FileFacts } from './facts/file-facts.ts';
import type { ExternalFields } from './matcher/fields.ts';
import type { FileSummaries } from './matcher/summaries.ts';

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

/** A place in a file; the file of the finding (or of the analysed text) when `file` is absent. */
export interface Location {
  file?: string;
  range: Range;
}

/**
 * The places a message names, by role (`acquisition`, `exit`, `helperRelease`, `leaks`, …). The
 * "line N" a user reads is made from these at the edge (core/messages), so moving a cached result
 * or mapping a patch back moves locations and never rewrites text.
 */
export type Locations = Record<string, Location | Location[]>;

/** Plain values a message template fills in (names, counts, call texts): never line numbers. */
export type MessageData = Record<string, string | number | boolean>;

/** A place the finding's input does not show (a patch's post-image line outside its hunks). */
export interface Unshown {
  file: string;
  /** 1-based line in that file, 0 when unknown. */
  line: number;
}

export interface RelatedLocation {
  range: Range;
  /** Key into RELATED_MESSAGES (core/messages/related-messages.ts). */
  messageId: RelatedMessageId;
  data: MessageData;
  /** Absent: the same file as the finding. */
  file?: string;
  unshown?: Unshown;
}

export type RelatedMessageId = 'taken' | 'released' | 'helperReleases' | 'pathLeaves' | 'theRelease' | 'removedRelease';

export interface Finding {
  rule: RuleId;
  severity: Exclude<Severity, 'off'>;
  /** Key into the rule's message table (`meta.messages`). */
  messageId: string;
  data: MessageData;
  locations: Locations;
  range: Range;
  /** The acquisition first, then the other releases of the same pages. */
  related: RelatedLocation[];
  /** The first fix is the preferred one. */
  fixes: Fix[];
  /** Name of the enclosing function, when known. */
  functionName?: string;
  /** Set when the finding's own place is not shown in the input (patch review). */
  unshown?: Unshown;
}

/** Where the analysis chose to stay quiet and why (shown by --verbose and the server's trace). */
export interface Note {
  range: Range;
  /** Key into NOTE_MESSAGES (core/messages/note-messages.ts). */
  messageId: NoteMessageId;
  data: MessageData;
  locations: Locations;
}

export type NoteMessageId =
  | 'probingOnly'
  | 'pagesNotUnderstood'
  | 'outlivesCall'
  | 'callersArray'
  | 'resultReturned'
  | 'notAlwaysReference'
  | 'resultNotTracked'
  | 'notInControlFlow'
  | 'tooManyPaths'
  | 'handedOff'
  | 'uncertainLeak'
  | 'fieldFilledElsewhere'
  /** A note of the patch review on the input as a whole (data.text; the place is named in it). */
  | 'inputNote'
  | 'caseNotMatched';

/** A function the analysis could not look at (shown to the user, not only in verbose output). */
export interface SkippedFunction {
  functionName: string;
  range: Range;
  reason: 'nesting too deep';
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
  /**
   * Struct fields other files of the module fill or release (the ownership index's view for this
   * file, core/ownership): a release here of pages pinned there is judged like a same-file one.
   */
  fields?: ExternalFields;
  /** What other files' extern helpers and wrappers do (the ownership index's view, by name). */
  functions?: FileSummaries;
  /** Also return the file's own FileFacts (for the ownership index), from the same analysis. */
  withFacts?: boolean;
}

/** What a kernel tree's include/linux/mm.h says (read by the project layer, judged by api-model.ts). */
export interface KernelTreeInfo {
  /** Path of the mm.h. */
  mmHeader: string;
  declares: 'unpin_user_page' | 'put_user_page' | 'neither';
  /** GUP_PIN_COUNTING_BIAS as #defined there (the default when it is not). */
  bias: number;
  /** mm.h declares unpin_folio() (Linux 6.11+): fixes may name it. */
  unpinFolio?: boolean;
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
  /**
   * The target has unpin_folio() (6.11+): the tree's mm.h declares it, or the text calls a 6.11+
   * folio pin function. Otherwise a fix never names it (core/target-fixes.ts).
   */
  unpinFolio?: boolean;
}

/** One API call named in a pairing: where it is and what it is. */
export interface CallRef {
  /** The called function (a helper or wrapper name when the call goes through one). */
  name: string;
  /** The called function's name in the call. */
  nameRange: Range;
  /** The whole call expression. */
  callRange: Range;
  /** The function the call is in. */
  functionName: string;
  /** Absent: the analysed file (an acquisition in another file of the module: the ownership index). */
  file?: string;
}

/** What the pages of one acquisition are released with, as the matcher's data flow found it. */
export interface Pairing {
  acquisition: CallRef & {
    family: 'gup' | 'pin' | 'ref' | 'extract';
    /** The release class these pages need in the model; undefined when undecidable. */
    expected?: 'ref' | 'pin';
    /** The FOLL_* flags its arguments name (FOLL_LONGTERM, FOLL_WRITE…), for the inventory. */
    flags?: string[];
  };
  releases: Array<
    CallRef & {
      cls: 'ref' | 'pin' | 'free' | 'matching';
      /** The release is of the class the acquisition needs (undefined: undecidable). */
      right?: boolean;
      /** For a helper: the table release it calls. */
      releasesWith?: string;
      /** For a helper: where in it that release is (`file`: a helper of another file of the module). */
      releasedAt?: Location;
    }
  >;
}

export interface AnalysisResult {
  findings: Finding[];
  model: ModelChoice;
  /** Where the analysis chose to stay quiet and why (data flow unknown, pages escape, …). */
  notes: Note[];
  /** Functions that could not be analysed at all. */
  skipped?: SkippedFunction[];
  /** `skipped`, as the one line each that the CLI and the server's status show. */
  problems?: string[];
  /**
   * Each acquisition with the releases the data flow reaches (including releases of a struct field
   * in another function of the file): what hover, highlights and references read.
   */
  pairings: Pairing[];
  /** With `withFacts`: the file's FileFacts (core/facts), when it names an acquisition or release. */
  facts?: FileFacts;
}

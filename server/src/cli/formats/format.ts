/**
 * The contract between `gup-review check` and its output formats. One file per format in this
 * folder; index.ts lists them. A format turns the reports of one run into the text printed on
 * stdout; it never prints, reads files or decides the exit code.
 */
import type { PatchInputKind, SourceLine } from '../../core/patch/index.ts';
import type { Finding, ModelChoice, Note } from '../../core/types.ts';

/** What `check` found in one input (a C file, a patch/mail, or stdin). */
export interface FileReport {
  /** The path as the user sees it: as given on the command line or joined under a given directory; `-` for stdin. */
  file: string;
  /** `c` for C source; otherwise the kind detectPatchInput() returned. */
  kind: 'c' | PatchInputKind;
  /** Findings, 0-based ranges on the lines of `text` (for patches: the patch/mail's own lines). */
  findings: Finding[];
  /** Where the analysis stayed quiet and why (shown with --verbose). */
  notes: Note[];
  /** The API model the findings were made in, with the evidence that chose it. */
  model?: ModelChoice;
  /** Problems with the input itself (a patch hunk that does not apply, …), one line each. */
  problems: string[];
  /** The analysed text; present when the input has findings or is a patch/mail (the reply format quotes it). */
  text?: string;
  /** Patches and mails: the quoted-printable and base64 bodies, decoded (the reply format quotes these). */
  decodedBodies?: SourceLine[][];
  /** --fix: how many fixes were written to this file (its findings are then the ones left). */
  fixed?: number;
}

/** Counts for the summary line. */
export interface CheckSummary {
  /** Inputs looked at (C files read, patches, stdin). */
  filesChecked: number;
  /** C files parsed and analysed (the others named no acquisition: skipped by the text prefilter). */
  filesAnalyzed: number;
  /** Inputs that could not be read (missing, unreadable, binary, not UTF-8). */
  filesFailed: number;
  /** Fixes written by --fix. */
  fixesApplied: number;
}

export interface FormatContext {
  /** ANSI colour allowed (stdout is a TTY and NO_COLOR is not set). */
  color: boolean;
  /** Print the analysis notes and the model chosen per file. */
  verbose: boolean;
  /** gup-review's version, from package.json. */
  toolVersion: string;
  /** Working directory, for formats that need absolute or base URIs. */
  cwd: string;
}

export interface OutputFormat {
  /** The value of `--format`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Output is data (JSON, SARIF): --verbose notes then go to stderr, not into the output. */
  machineReadable?: boolean;
  render(reports: readonly FileReport[], summary: CheckSummary, ctx: FormatContext): string;
}

/**
 * gup-review's own LSP messages, shared by the server and the VS Code client. Plain constants and
 * types only (no runtime imports), so the client bundle stays thin.
 */

/** Server → client after each analysis; client → server as a request for one document. */
export const STATUS_NOTIFICATION = 'gupReview/status';
export const STATUS_REQUEST = 'gupReview/getStatus';

export interface DocumentStatus {
  uri: string;
  version: number;
  /**
   * The API model the document's findings were made in (decided once per document version) and
   * why ("auto: …/include/linux/mm.h declares unpin_user_page()").
   */
  model: 'put_user_page' | 'unpin_user_page';
  reason: string;
  /** The evidence that chose the model (core ModelEvidence; absent when nothing was analysed). */
  evidence?:
    | { kind: 'setting' }
    | { kind: 'kernel-tree'; mmHeader: string; declares: 'unpin_user_page' | 'put_user_page' | 'neither' }
    | { kind: 'text'; call: string; line?: number }
    | { kind: 'default' };
  findingCount: number;
  /** Problems to show in the status item (bad settings, a patch that does not apply, …). */
  problems: string[];
}

/** Client → server: decode a refcount value or C constant expression. */
export const DECODE_REQUEST = 'gupReview/decode';
export interface DecodeParams {
  /** `1025`, `0x400`, `3 * GUP_PIN_COUNTING_BIAS + 1`, `refcount:3073`, a dump_page line… */
  text: string;
  /** Document whose kernel tree supplies the bias and model (optional). */
  uri?: string;
}
export interface DecodeResult {
  /** A compact Markdown table, as the hover shows it. */
  markdown: string;
  /** One line, for a notification and the clipboard. */
  summary: string;
}

/** Client → server: check every C file of the workspace folders; cancellable. */
export const CHECK_WORKSPACE_REQUEST = 'gupReview/checkWorkspace';
export interface CheckWorkspaceParams {
  /** Folders to check (file URIs); default: the workspace folders from initialize. */
  folders?: string[];
}
export interface CheckWorkspaceResult {
  filesChecked: number;
  filesWithFindings: number;
  findingCount: number;
  cancelled: boolean;
  /** Files that could not be read, one line each. */
  problems: string[];
}
/** Server → client while checking: progress of the running check. */
export const CHECK_WORKSPACE_PROGRESS = 'gupReview/checkWorkspaceProgress';
export interface CheckWorkspaceProgress {
  done: number;
  total: number;
  file?: string;
}

/** Code action kind of "fix all gup-review problems" (fix on save). */
export const FIX_ALL_KIND = 'source.fixAll.gupReview';

/**
 * Commands the server executes (`workspace/executeCommand`, declared in executeCommandProvider),
 * so that any client can run what a code action names.
 */
export const SHOW_SUGGESTED_FIX_COMMAND = 'gupReview.server.showSuggestedFix';
export const CHECK_WORKSPACE_COMMAND = 'gupReview.server.checkWorkspace';
/** A code lens's command: show where the pages of the acquisition at (uri, line, character) go. */
export const SHOW_TRAIL_COMMAND = 'gupReview.server.showTrail';
export const SERVER_COMMANDS = [SHOW_SUGGESTED_FIX_COMMAND, CHECK_WORKSPACE_COMMAND, SHOW_TRAIL_COMMAND];

/** Client command that puts text on the clipboard (the VS Code client's "Copy suggested fix"). */
export const COPY_COMMAND = 'gupReview.copyToClipboard';

/**
 * The client's experimental capability `gupReview`: the client-side commands it executes itself.
 * Code actions name a client command only when the client lists it here (the VS Code client
 * lists COPY_COMMAND); other clients get server commands or edits.
 */
export interface GupReviewClientCapabilities {
  clientCommands?: string[];
}

/** Client → server: the inventory of the workspace's acquisition sites (the "GUP sites" view, the report). */
export const INVENTORY_REQUEST = 'gupReview/inventory';
export interface InventoryParams {
  /** `sites`: the rows (InventorySite); `html`: the self-contained report page. */
  format: 'sites' | 'html';
}
/** One acquisition site as the view shows it (a subset of the inventory's JSON row). */
export interface InventorySite {
  file: string;
  path: string;
  line: number;
  column: number;
  function: string;
  call: string;
  family: 'gup' | 'pin' | 'ref' | 'extract';
  status: 'ok' | 'finding' | 'unknown';
  summary: string;
  subsystem: string;
}
export interface InventoryResult {
  sites?: InventorySite[];
  html?: string;
}
/** Server → client: the workspace index changed (the view refreshes when shown). */
export const INDEX_CHANGED_NOTIFICATION = 'gupReview/indexChanged';

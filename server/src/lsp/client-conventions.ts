/**
 * What the server adapts to each client, read once from initialize's capabilities: the position
 * encoding, the hover format, push or pull diagnostics (and whether the client can be asked to
 * pull again), work-done progress, and the client-side commands a code action may name.
 */
import type { ClientCapabilities, MarkupKind } from 'vscode-languageserver';
import { preferredHoverFormat } from './hover-format.ts';
import { negotiatePositionEncoding, type PositionEncoding } from './position-encoding.ts';
import type { DiagnosticsMode } from './diagnostics.ts';
import type { GupReviewClientCapabilities } from './protocol.ts';

export interface ClientConventions {
  positionEncoding: PositionEncoding;
  hoverFormat: MarkupKind;
  diagnostics: DiagnosticsMode;
  /** workspace/diagnostic/refresh may be sent (pull clients that declare refreshSupport). */
  diagnosticRefresh: boolean;
  workDoneProgress: boolean;
  clientCommands: ReadonlySet<string>;
}

export function clientConventions(caps: ClientCapabilities): ClientConventions {
  const experimental = (caps.experimental as { gupReview?: GupReviewClientCapabilities } | undefined)?.gupReview;
  const commands = Array.isArray(experimental?.clientCommands)
    ? experimental.clientCommands.filter((c): c is string => typeof c === 'string')
    : [];
  const pull = caps.textDocument?.diagnostic !== undefined && caps.textDocument.diagnostic !== null;
  return {
    positionEncoding: negotiatePositionEncoding(caps.general?.positionEncodings),
    hoverFormat: preferredHoverFormat(caps.textDocument?.hover?.contentFormat),
    diagnostics: pull ? 'pull' : 'push',
    diagnosticRefresh: pull && !!caps.workspace?.diagnostics?.refreshSupport,
    workDoneProgress: !!caps.window?.workDoneProgress,
    clientCommands: new Set(commands),
  };
}

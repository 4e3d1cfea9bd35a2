/**
 * The server's lifecycle as LSP defines it: before `initialize` every request is answered
 * ServerNotInitialized (-32002) and notifications other than `exit` are dropped; after `shutdown`
 * every request is answered InvalidRequest (-32600) and only `exit` is acted on.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver';

export type LifecyclePhase = 'starting' | 'running' | 'shutdown';

export class Lifecycle {
  phase: LifecyclePhase = 'starting';

  /** The error a request gets in this phase, or undefined when it may be served. */
  requestError(method: string): ResponseError<void> | undefined {
    if (this.phase === 'starting')
      return new ResponseError(
        ErrorCodes.ServerNotInitialized,
        `gup-review: ${method} before initialize: the server is not initialized yet`,
      );
    if (this.phase === 'shutdown')
      return new ResponseError(
        ErrorCodes.InvalidRequest,
        `gup-review: ${method} after shutdown: the server only accepts exit now`,
      );
    return undefined;
  }

  /** Whether a notification is acted on in this phase. */
  accepts(): boolean {
    return this.phase === 'running';
  }
}

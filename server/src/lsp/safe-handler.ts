/**
 * Wraps request handlers: a thrown error becomes an error response (and a log line) and the
 * server carries on; a cancelled request answers RequestCancelled.
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
} from 'vscode-languageserver';
import type { Lifecycle } from './lifecycle.ts';

export type Handler<P, R> = (params: P, token: CancellationToken) => R | Promise<R>;

/** safeRequest bound to the server's connection and lifecycle: what the feature modules register with. */
export type RequestWrap = <P, R>(name: string, handler: Handler<P, R>) => ReturnType<typeof safeRequest<P, R>>;

export function safeRequest<P, R>(
  connection: Connection,
  name: string,
  handler: Handler<P, R>,
  lifecycle?: Lifecycle,
): (params: P, token: CancellationToken) => Promise<R | ResponseError<void>> {
  return async (params, token) => {
    const refused = lifecycle?.requestError(name);
    if (refused) return refused;
    if (token.isCancellationRequested) return cancelled();
    try {
      const result = await handler(params, token);
      if (token.isCancellationRequested) return cancelled();
      return result;
    } catch (err) {
      if (err instanceof ResponseError) return err as ResponseError<void>;
      const message = err instanceof Error ? err.message : String(err);
      connection.console.error(
        `gup-review: ${name} failed: ${err instanceof Error && err.stack ? err.stack : message}`,
      );
      return new ResponseError(ErrorCodes.InternalError, `gup-review: ${name} failed: ${message}`);
    }
  };
}

/** Wraps a notification handler: errors are logged, never thrown into the connection. */
export function safeNotification<P>(
  connection: Connection,
  name: string,
  handler: (params: P) => void | Promise<void>,
  lifecycle?: Lifecycle,
): (params: P) => void {
  return (params) => {
    if (lifecycle && !lifecycle.accepts()) return;
    try {
      const r = handler(params);
      if (r instanceof Promise) r.catch((err: unknown) => logFailure(connection, name, err));
    } catch (err) {
      logFailure(connection, name, err);
    }
  };
}

function logFailure(connection: Connection, name: string, err: unknown): void {
  connection.console.error(
    `gup-review: ${name} failed: ${err instanceof Error && err.stack ? err.stack : String(err)}`,
  );
}

export function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

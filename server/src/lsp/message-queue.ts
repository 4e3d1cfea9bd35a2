/**
 * When the client's queued messages have all been handled. vscode-jsonrpc handles one queued
 * message per setImmediate turn, so work scheduled with a plain setImmediate runs between every
 * two messages: a burst of N didChange became N analyses. The connection's message strategy
 * counts every message it dispatches; `afterDrained` waits for setImmediate turns in which no
 * message was dispatched, then runs. Two quiet turns: between two of our checks there is exactly
 * one jsonrpc turn (one message when its queue is not empty), and a second turn covers messages
 * read from the pipe just before our check (their jsonrpc turn is queued after it).
 *
 * No timer, no delay: an isolated keystroke is analysed two event-loop turns after its didChange.
 */
import type { Message, MessageStrategy } from 'vscode-languageserver';

type Next = Parameters<MessageStrategy['handleMessage']>[1];

/** Quiet turns in a row before the queue counts as drained (see above). */
const QUIET_TURNS = 2;

export class MessageQueueWatch {
  private dispatched = 0;

  /** For createConnection's options: counts each message as the connection hands it to its handler. */
  readonly strategy: MessageStrategy = {
    handleMessage: (message: Message, next: Next) => {
      this.dispatched++;
      return next(message);
    },
  };

  /** Calls `run` once the queue has drained; returns a function that cancels the wait. */
  afterDrained(run: () => void): () => void {
    let seen = this.dispatched;
    let quiet = 0;
    let handle: NodeJS.Immediate;
    const turn = () => {
      if (this.dispatched !== seen) {
        seen = this.dispatched;
        quiet = 0;
      } else if (++quiet >= QUIET_TURNS) {
        run();
        return;
      }
      handle = setImmediate(turn);
    };
    handle = setImmediate(turn);
    return () => clearImmediate(handle);
  }

  /** Resolves once the queue has drained. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.afterDrained(resolve));
  }
}

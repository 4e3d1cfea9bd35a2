/**
 * Work-done progress ($/progress) for long work such as the workspace check, for clients that
 * declare `window.workDoneProgress`: on the token the request carried (`workDoneToken`), else on
 * one the server creates with window/workDoneProgress/create. Clients without it get nothing here
 * (the work's summary still goes to window/logMessage). The user can cancel from the progress UI.
 */
import {
  CancellationTokenSource,
  type CancellationToken,
  type Connection,
  type ProgressToken,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';

export interface Progress {
  report(message: string, percentage?: number): void;
  /** Cancelled by the request's token or from the client's progress UI. */
  token: CancellationToken;
  done(): void;
}

export async function beginProgress(
  connection: Connection,
  supported: boolean,
  title: string,
  requestToken: CancellationToken,
  workDoneToken?: ProgressToken,
): Promise<Progress> {
  let reporter: WorkDoneProgressReporter | undefined;
  const source = new CancellationTokenSource();
  const sub = requestToken.onCancellationRequested(() => source.cancel());
  if (workDoneToken !== undefined) reporter = connection.window.attachWorkDoneProgress(workDoneToken);
  else if (supported) {
    try {
      const created = await connection.window.createWorkDoneProgress();
      created.token.onCancellationRequested(() => source.cancel());
      reporter = created;
    } catch (err) {
      connection.console.warn(`gup-review: window/workDoneProgress/create failed: ${String(err)}`);
    }
  }
  reporter?.begin(title, 0, undefined, true);
  return {
    report: (message, percentage) =>
      percentage === undefined ? reporter?.report(message) : reporter?.report(Math.round(percentage), message),
    token: source.token,
    done: () => {
      reporter?.done();
      sub.dispose();
      source.dispose();
    },
  };
}

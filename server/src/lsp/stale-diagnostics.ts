/**
 * Diagnostics kept while a document is not analysed (its last analysis went over the time
 * budget, analysis-limits.ts): the last ones found, moved with the text edited since and marked
 * stale in their message, instead of vanishing at the first keystroke. The edit since is found as
 * the span between the two texts' common prefix and suffix: a position before it stays, one after
 * it moves with the text, one inside it goes to the span's start.
 */
import type { Diagnostic, Position, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

export class StaleDiagnostics {
  private readonly base: TextDocument;

  constructor(
    readonly uri: string,
    readonly version: number,
    text: string,
    private readonly diagnostics: readonly Diagnostic[],
  ) {
    this.base = TextDocument.create(uri, 'c', version, text);
  }

  /** The diagnostics placed in `now` (the document's current text), each marked stale. */
  movedTo(now: TextDocument): Diagnostic[] {
    const old = this.base.getText();
    const text = now.getText();
    const limit = Math.min(old.length, text.length);
    let prefix = 0;
    while (prefix < limit && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
    let suffix = 0;
    while (
      suffix < limit - prefix &&
      old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)
    )
      suffix++;
    const shift = text.length - old.length;
    const move = (p: Position): Position => {
      const o = this.base.offsetAt(p);
      return now.positionAt(o <= prefix ? o : o >= old.length - suffix ? o + shift : prefix);
    };
    const range = (r: Range): Range => ({ start: move(r.start), end: move(r.end) });
    const mark = ` (stale: found in version ${this.version}, not analysed since)`;
    return this.diagnostics.map((d) => ({
      ...d,
      range: range(d.range),
      message: typeof d.message === 'string' ? d.message + mark : { ...d.message, value: d.message.value + mark },
      ...(d.relatedInformation
        ? {
            relatedInformation: d.relatedInformation.map((ri) =>
              ri.location.uri === this.uri
                ? { ...ri, location: { ...ri.location, range: range(ri.location.range) } }
                : ri,
            ),
          }
        : {}),
    }));
  }
}

/**
 * Position encodings at the LSP edge. The core and the document store count columns in UTF-16
 * code units (tree-sitter's string API and LSP's default); a client may prefer UTF-8 (byte
 * offsets, as Neovim and Emacs count internally) or UTF-32 (code points), offered in initialize's
 * `general.positionEncodings` in order of preference. The server takes the first one it supports
 * and converts every position that crosses the connection: incoming positions, ranges and change
 * ranges, and outgoing diagnostics, related locations, edits, highlights and hover ranges.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  CodeAction,
  Diagnostic,
  DocumentHighlight,
  Position,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export type PositionEncoding = 'utf-8' | 'utf-16' | 'utf-32';

const SUPPORTED: readonly string[] = ['utf-8', 'utf-16', 'utf-32'];

/** The client's first offered encoding that the server supports; UTF-16 when none is offered. */
export function negotiatePositionEncoding(offered: readonly string[] | undefined): PositionEncoding {
  for (const e of offered ?? []) if (SUPPORTED.includes(e)) return e as PositionEncoding;
  return 'utf-16';
}

/** The text of one line (without its end of line), or undefined beyond the last line. */
export type LineSource = (line: number) => string | undefined;

export function linesOfDocument(doc: TextDocument): LineSource {
  return (line) => {
    if (line < 0 || line >= doc.lineCount) return undefined;
    return doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
  };
}

export function linesOfText(text: string): LineSource {
  let lines: string[] | undefined;
  return (line) => {
    lines ??= text.split(/\r?\n/);
    return lines[line];
  };
}

const ASCII = /^[\x00-\x7f]*$/;

/** Width of one UTF-16 code unit sequence in the client's unit. */
function width(s: string, encoding: PositionEncoding): number {
  if (encoding === 'utf-16' || ASCII.test(s)) return s.length;
  if (encoding === 'utf-8') return Buffer.byteLength(s, 'utf8');
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A UTF-16 column → the client's column on that line (columns past the end keep their excess). */
export function columnToClient(line: string, column: number, encoding: PositionEncoding): number {
  if (encoding === 'utf-16') return column;
  const within = Math.min(column, line.length);
  return width(line.slice(0, within), encoding) + (column - within);
}

/** The client's column → a UTF-16 column; a column inside a character snaps to its start. */
export function columnFromClient(line: string, column: number, encoding: PositionEncoding): number {
  if (encoding === 'utf-16' || ASCII.test(line)) return column;
  let units = 0;
  let client = 0;
  for (const ch of line) {
    const w = width(ch, encoding);
    if (client + w > column) return units;
    client += w;
    units += ch.length;
  }
  return units + (column - client);
}

/** Lines of a URI that is not the document in hand: an open document, else the file on disk. */
export type LinesOfUri = (uri: string) => LineSource | undefined;

export function linesOfFile(uri: string): LineSource | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return linesOfText(fs.readFileSync(fileURLToPath(uri), 'utf8'));
  } catch {
    return undefined;
  }
}

export class PositionCodec {
  constructor(readonly encoding: PositionEncoding = 'utf-16') {}

  get identity(): boolean {
    return this.encoding === 'utf-16';
  }

  positionToClient(lines: LineSource, p: Position): Position {
    if (this.identity) return p;
    const text = lines(p.line);
    return text === undefined ? p : { line: p.line, character: columnToClient(text, p.character, this.encoding) };
  }

  positionFromClient(lines: LineSource, p: Position): Position {
    if (this.identity) return p;
    const text = lines(p.line);
    return text === undefined ? p : { line: p.line, character: columnFromClient(text, p.character, this.encoding) };
  }

  rangeToClient(lines: LineSource, r: Range): Range {
    if (this.identity) return r;
    return { start: this.positionToClient(lines, r.start), end: this.positionToClient(lines, r.end) };
  }

  rangeFromClient(lines: LineSource, r: Range): Range {
    if (this.identity) return r;
    return { start: this.positionFromClient(lines, r.start), end: this.positionFromClient(lines, r.end) };
  }

  /** Diagnostics of the document `lines` belongs to; related locations in other files via `other`. */
  diagnosticsToClient(diagnostics: Diagnostic[], uri: string, lines: LineSource, other: LinesOfUri): Diagnostic[] {
    if (this.identity) return diagnostics;
    return diagnostics.map((d) => this.diagnosticToClient(d, uri, lines, other));
  }

  diagnosticToClient(d: Diagnostic, uri: string, lines: LineSource, other: LinesOfUri): Diagnostic {
    if (this.identity) return d;
    const out: Diagnostic = { ...d, range: this.rangeToClient(lines, d.range) };
    if (d.relatedInformation) {
      const cache = new Map<string, LineSource | undefined>();
      out.relatedInformation = d.relatedInformation.map((ri) => {
        const u = ri.location.uri;
        if (u !== uri && !cache.has(u)) cache.set(u, other(u));
        const l = u === uri ? lines : cache.get(u);
        return l ? { ...ri, location: { uri: u, range: this.rangeToClient(l, ri.location.range) } } : ri;
      });
    }
    return out;
  }

  diagnosticFromClient(d: Diagnostic, lines: LineSource): Diagnostic {
    if (this.identity) return d;
    return { ...d, range: this.rangeFromClient(lines, d.range) };
  }

  editsToClient(edits: TextEdit[], lines: LineSource): TextEdit[] {
    if (this.identity) return edits;
    return edits.map((e) => ({ ...e, range: this.rangeToClient(lines, e.range) }));
  }

  workspaceEditToClient(edit: WorkspaceEdit, linesOf: LinesOfUri): WorkspaceEdit {
    if (this.identity || !edit.changes) return edit;
    const changes: Record<string, TextEdit[]> = {};
    for (const [uri, edits] of Object.entries(edit.changes)) {
      const lines = linesOf(uri);
      changes[uri] = lines ? this.editsToClient(edits, lines) : edits;
    }
    return { ...edit, changes };
  }

  /** Code actions on the document `uri`: their edits and the diagnostics they fix. */
  codeActionsToClient(actions: CodeAction[], uri: string, lines: LineSource, other: LinesOfUri): CodeAction[] {
    if (this.identity) return actions;
    const linesOf = (u: string) => (u === uri ? lines : other(u));
    return actions.map((a) => ({
      ...a,
      ...(a.edit ? { edit: this.workspaceEditToClient(a.edit, linesOf) } : {}),
      ...(a.diagnostics ? { diagnostics: this.diagnosticsToClient(a.diagnostics, uri, lines, other) } : {}),
    }));
  }

  highlightsToClient(highlights: DocumentHighlight[], lines: LineSource): DocumentHighlight[] {
    if (this.identity) return highlights;
    return highlights.map((h) => ({ ...h, range: this.rangeToClient(lines, h.range) }));
  }
}

/**
 * Open documents: text kept in sync incrementally, plus, for C documents, a tree-sitter tree that
 * is edited with each change and reparsed incrementally when next needed. Each document also owns
 * the FunctionCache the core uses to reuse per-function results. All trees are freed on close.
 *
 * Edits are widened to whole lines: parser.ts blanks kernel attribute macros (`__user`, …) before
 * parsing, and whether a word is blanked depends on the whole word, so a keystroke can change the
 * blanked text next to the change. Blanking is line-local (an attribute with a multi-line argument
 * list is the exception), so a whole-line edit keeps the tree consistent with the blanked text.
 */
import { fileURLToPath } from 'node:url';
import type { Parser } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  DidChangeTextDocumentParams,
  DidOpenTextDocumentParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { FunctionCache } from '../core/analyze.ts';
import { Edit, parseKernelC, type Tree } from '../core/parser.ts';

/** What the server does with a document, from its language id. */
export type DocumentKind = 'c' | 'patch' | 'text';

export function documentKind(languageId: string): DocumentKind | undefined {
  switch (languageId) {
    case 'c':
      return 'c';
    case 'diff':
    case 'patch-mail':
      return 'patch';
    case 'plaintext':
    case 'log':
      return 'text';
    default:
      return undefined;
  }
}

export class OpenDocument {
  readonly cache = new FunctionCache();
  /** Tree for the text as of the last parse, already `edit()`ed for every change since. */
  private tree: Tree | undefined;
  private stale = true;

  constructor(
    public doc: TextDocument,
    readonly kind: DocumentKind,
    private readonly parser: Parser | undefined,
  ) {}

  get uri(): string {
    return this.doc.uri;
  }
  get version(): number {
    return this.doc.version;
  }
  get text(): string {
    return this.doc.getText();
  }

  /** File system path for file: URIs (used by `auto` to find the kernel tree). */
  get filePath(): string | undefined {
    if (!this.uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(this.uri);
    } catch {
      return undefined;
    }
  }

  /** Applies one notification's changes in order: text first, then the matching tree edit. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || change.range === undefined) {
        this.doc = TextDocument.update(this.doc, [change], version);
        this.dropTree();
        continue;
      }
      const old = this.doc;
      const oldText = old.getText();
      const start = old.offsetAt({ line: change.range.start.line, character: 0 });
      const changeStart = old.offsetAt(change.range.start);
      const changeEnd = old.offsetAt(change.range.end);
      let lineEnd = oldText.indexOf('\n', changeEnd);
      if (lineEnd === -1) lineEnd = oldText.length;
      const tail = lineEnd - changeEnd;
      this.doc = TextDocument.update(old, [change], version);
      if (!this.tree) continue;
      const insertedEnd = this.doc.positionAt(changeStart + change.text.length);
      const oldEnd = old.positionAt(lineEnd);
      this.tree.edit(
        new Edit({
          startIndex: start,
          oldEndIndex: lineEnd,
          newEndIndex: changeStart + change.text.length + tail,
          startPosition: { row: change.range.start.line, column: 0 },
          oldEndPosition: { row: oldEnd.line, column: oldEnd.character },
          newEndPosition: { row: insertedEnd.line, column: insertedEnd.character + tail },
        }),
      );
    }
    if (changes.length > 0) this.stale = true;
    this.doc = TextDocument.update(this.doc, [], version);
  }

  /** The current tree (C documents only), reparsed incrementally if the text changed. */
  getTree(): Tree | undefined {
    if (this.kind !== 'c' || !this.parser) return undefined;
    if (this.stale || !this.tree) {
      const next = parseKernelC(this.parser, this.text, this.tree);
      this.tree?.delete();
      this.tree = next;
      this.stale = false;
    }
    return this.tree;
  }

  /** True while a tree is held (for tests and the memory benchmark). */
  get hasTree(): boolean {
    return this.tree !== undefined;
  }

  private dropTree(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.stale = true;
  }

  dispose(): void {
    this.dropTree();
    this.cache.entries.clear();
  }
}

/** All open documents the server handles, by URI. */
export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();

  constructor(private readonly parser: Parser) {}

  open(params: DidOpenTextDocumentParams): OpenDocument | undefined {
    const { uri, languageId, version, text } = params.textDocument;
    const kind = documentKind(languageId);
    this.close(uri);
    if (!kind) return undefined;
    const doc = new OpenDocument(TextDocument.create(uri, languageId, version, text), kind, this.parser);
    this.docs.set(uri, doc);
    return doc;
  }

  change(params: DidChangeTextDocumentParams): OpenDocument | undefined {
    const doc = this.docs.get(params.textDocument.uri);
    doc?.applyChanges(params.contentChanges, params.textDocument.version);
    return doc;
  }

  close(uri: string): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    doc.dispose();
    this.docs.delete(uri);
    return true;
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  /** Number of parser trees currently held (for tests: must be 0 after every close). */
  treeCount(): number {
    return this.all().filter((d) => d.hasTree).length;
  }

  dispose(): void {
    for (const uri of [...this.docs.keys()]) this.close(uri);
  }
}

/**
 * Open documents: text kept in sync incrementally, plus, for C documents, a tree-sitter tree that
 * is edited with each change and reparsed incrementally when next needed. Each document also owns
 * the FunctionCache the core uses to reuse per-function results. All trees are freed on close.
 *
 * Attribute blanking (parser.ts blanks `__user`, `__must_hold(x)`, … before parsing) can change
 * characters outside an edit; getTree() reconciles that before each incremental parse.
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
import { blankAttributes, Edit, parseKernelC, type Tree } from '../core/parser.ts';

/** What the server does with a document, from its language id. */
export type DocumentKind = 'c' | 'patch' | 'text';

export function documentKind(languageId: string): DocumentKind | undefined {
  switch (languageId) {
    case 'c':
      return 'c';
    // VS Code's ids, and the filetypes Neovim and Emacs send as language ids.
    case 'diff':
    case 'patch':
    case 'patch-mail':
    case 'mail':
      return 'patch';
    case 'plaintext':
    case 'text':
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
  /** The parser's input (attributes blanked) as the tree knows it: the last parse plus the edits since. */
  private believed: string | undefined;
  private stale = true;

  constructor(
    public doc: TextDocument,
    readonly kind: DocumentKind,
    private readonly parserOf: () => Parser | undefined,
    private readonly onTreeUsed: (doc: OpenDocument) => void = () => {},
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
      const start = old.offsetAt(change.range.start);
      const oldEnd = old.offsetAt(change.range.end);
      this.doc = TextDocument.update(old, [change], version);
      if (!this.tree || this.believed === undefined) continue;
      const newEnd = start + change.text.length;
      const newEndPos = this.doc.positionAt(newEnd);
      const oldEndPos = old.positionAt(oldEnd);
      const startPos = old.positionAt(start);
      this.tree.edit(
        new Edit({
          startIndex: start,
          oldEndIndex: oldEnd,
          newEndIndex: newEnd,
          startPosition: { row: startPos.line, column: startPos.character },
          oldEndPosition: { row: oldEndPos.line, column: oldEndPos.character },
          newEndPosition: { row: newEndPos.line, column: newEndPos.character },
        }),
      );
      this.believed = this.believed.slice(0, start) + change.text + this.believed.slice(oldEnd);
    }
    if (changes.length === 0) this.doc = TextDocument.update(this.doc, [], version);
    else this.stale = true;
  }

  /**
   * After the exact edits, the tree believes every character outside them is unchanged. Attribute
   * blanking can change characters outside an edit (deleting the `)` of `__must_hold(x)` blanks up
   * to the next `)`, lines away), so the parser's input is compared with what the tree believes and
   * one more same-length edit covers the span where they differ.
   */
  private reconcileBlanking(blanked: string): void {
    const believed = this.believed;
    if (!this.tree || believed === undefined || believed.length !== blanked.length || believed === blanked) return;
    let i = 0;
    while (i < blanked.length && believed.charCodeAt(i) === blanked.charCodeAt(i)) i++;
    let j = blanked.length;
    while (j > i && believed.charCodeAt(j - 1) === blanked.charCodeAt(j - 1)) j--;
    const a = this.doc.positionAt(i);
    const b = this.doc.positionAt(j);
    this.tree.edit(
      new Edit({
        startIndex: i,
        oldEndIndex: j,
        newEndIndex: j,
        startPosition: { row: a.line, column: a.character },
        oldEndPosition: { row: b.line, column: b.character },
        newEndPosition: { row: b.line, column: b.character },
      }),
    );
  }

  /** The current tree (C documents only), reparsed incrementally if the text changed. */
  getTree(): Tree | undefined {
    const parser = this.parserOf();
    if (this.kind !== 'c' || !parser) return undefined;
    if (this.stale || !this.tree) {
      const text = this.text;
      const blanked = blankAttributes(text);
      this.reconcileBlanking(blanked);
      let next = parseKernelC(parser, text, this.tree);
      this.tree?.delete();
      // Tree-sitter's error recovery depends on history: an incremental tree with ERROR nodes can
      // differ from a fresh parse of the same text, and so can the findings (the edit fuzzer,
      // test/fuzz/, found a wrong-release that only the edited document showed). Same text, same
      // diagnostics: such a tree is replaced by a fresh parse. Error-free trees stay incremental.
      if (this.tree && next.rootNode.hasError) {
        next.delete();
        next = parseKernelC(parser, text);
      }
      this.tree = next;
      this.believed = blanked;
      this.stale = false;
    }
    this.onTreeUsed(this);
    return this.tree;
  }

  /** True while a tree is held (for tests and the memory benchmark). */
  get hasTree(): boolean {
    return this.tree !== undefined;
  }

  /** Frees the tree (the next getTree() parses from scratch). */
  dropTree(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.believed = undefined;
    this.stale = true;
  }

  dispose(): void {
    this.dropTree();
    this.cache.clear();
  }
}

/**
 * Trees kept at most: those of the documents used most recently. A tree costs about 25 times the
 * file's size in wasm memory (50 kernel files: ~60 MB), and wasm memory never shrinks, so keeping a
 * tree for every open file would make the server's footprint grow with the number of open tabs.
 * A document whose tree was dropped is parsed from scratch at its next change (one full parse).
 */
export const MAX_TREES = 8;

/** All open documents the server handles, by URI. */
export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();
  /** URIs of documents holding a tree, least recently used first. */
  private readonly treeOrder = new Set<string>();

  /** Set once the grammar is loaded; until then documents hold text only (getTree() is undefined). */
  constructor(public parser?: Parser) {}

  open(params: DidOpenTextDocumentParams): OpenDocument | undefined {
    const { uri, languageId, version, text } = params.textDocument;
    const kind = documentKind(languageId);
    this.close(uri);
    if (!kind) return undefined;
    const doc = new OpenDocument(TextDocument.create(uri, languageId, version, text), kind, () => this.parser, (d) => this.treeUsed(d));
    this.docs.set(uri, doc);
    return doc;
  }

  change(params: DidChangeTextDocumentParams): OpenDocument | undefined {
    const doc = this.docs.get(params.textDocument.uri);
    doc?.applyChanges(params.contentChanges, params.textDocument.version);
    return doc;
  }

  private treeUsed(doc: OpenDocument): void {
    this.treeOrder.delete(doc.uri);
    this.treeOrder.add(doc.uri);
    for (const uri of this.treeOrder) {
      if (this.treeOrder.size <= MAX_TREES) break;
      this.treeOrder.delete(uri);
      this.docs.get(uri)?.dropTree();
    }
  }

  close(uri: string): boolean {
    const doc = this.docs.get(uri);
    if (!doc) return false;
    this.treeOrder.delete(uri);
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

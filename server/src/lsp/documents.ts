/**
 * Open documents: text kept in sync incrementally, plus, for C documents, a tree-sitter tree that
 * is edited with each change and reparsed incrementally when next needed. Each document also owns
 * the FunctionCache the core uses to reuse per-function results. All trees are freed on close.
 *
 * Attribute blanking (parser.ts blanks `__user`, `__must_hold(x)`, … before parsing) can change
 * characters outside an edit; getTree() reconciles that before each incremental parse. How the
 * tree follows the edits (the Edit of a change, the items re-parsed whole) is incremental-parse.ts.
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
import { blankAttributes, parseKernelC, type Tree } from '../core/parser.ts';
import {
  changesErrorFree,
  errorFree,
  mergeDirty,
  touchesErrors,
  treeEditOf,
  wholeItemsSpan,
} from './incremental-parse.ts';
import { linesOfDocument, PositionCodec } from './position-encoding.ts';

const UTF16 = new PositionCodec('utf-16');

/** The file system path of a file: URI (undefined for other schemes and malformed URIs). */
export function pathOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

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
    // Neovim's filetype for a `git format-patch` file (first line `From <sha> Mon Sep 17 …`),
    // and Vim's for `git show`/`git log -p` output.
    case 'gitsendemail':
    case 'git':
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
  /** The parser's input (attributes blanked) of the last parse; undefined while no tree is held. */
  private parsedInput: string | undefined;
  /** Length change of the text since the last parse (all of it inside `dirty`). */
  private shift = 0;
  private stale = true;
  /** Span of the text (current coordinates) edited since the last parse. */
  private dirty: [number, number] | undefined;
  /** How many incremental parses were replaced by a fresh one (for tests and the benchmark). */
  freshParses = 0;
  /** How many incremental parses took the plain path, error-free around the edit (for tests). */
  plainParses = 0;
  /** The span the last incremental parse re-parsed whole (reparseWholeItems; for tests). */
  reparsedSpan: [number, number] | undefined;

  constructor(
    public doc: TextDocument,
    readonly kind: DocumentKind,
    private readonly parserOf: () => Parser | undefined,
    private readonly onTreeUsed: (doc: OpenDocument) => void = () => {},
    /** The connection's position encoding: change ranges arrive in it. */
    private readonly codecOf: () => PositionCodec = () => UTF16,
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
    return pathOfUri(this.uri);
  }

  /**
   * Applies one notification's changes in order: text first, then the matching tree edit. Each
   * change's range is in the client's position encoding, against the text as the changes before
   * it left it.
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    const codec = this.codecOf();
    for (const raw of changes) {
      if (!('range' in raw) || raw.range === undefined) {
        this.doc = TextDocument.update(this.doc, [raw], version);
        this.dropTree();
        continue;
      }
      const change = { range: codec.rangeFromClient(linesOfDocument(this.doc), raw.range), text: raw.text };
      const old = this.doc;
      const start = old.offsetAt(change.range.start);
      const oldEnd = old.offsetAt(change.range.end);
      this.doc = TextDocument.update(old, [change], version);
      if (!this.tree || this.parsedInput === undefined) continue;
      const newEnd = start + change.text.length;
      this.tree.edit(
        treeEditOf(start, oldEnd, newEnd, old.positionAt(start), old.positionAt(oldEnd), this.doc.positionAt(newEnd)),
      );
      this.shift += change.text.length - (oldEnd - start);
      this.dirty = mergeDirty(this.dirty, start, oldEnd, newEnd);
    }
    if (changes.length === 0) this.doc = TextDocument.update(this.doc, [], version);
    else this.stale = true;
  }

  /**
   * After the exact edits, the tree believes every character outside them is unchanged. Attribute
   * blanking can change characters outside an edit (deleting the `)` of `__must_hold(x)` blanks up
   * to the next `)`, lines away), so the parser's input is compared, outside the edited span, with
   * the last parse's (shifted after the span), and one more same-length edit covers the span where
   * they differ. The comparison is of slices, so no copy of the text is made at a keystroke.
   */
  private reconcileBlanking(blanked: string): void {
    const prev = this.parsedInput;
    if (!this.tree || prev === undefined || !this.dirty) return;
    const [ds, de] = this.dirty;
    const shift = this.shift;
    if (prev.length + shift !== blanked.length) {
      // Cannot happen (every change is counted); should it, the next parse starts afresh.
      this.dropTree();
      return;
    }
    const prefixSame = blanked.startsWith(prev.slice(0, ds));
    const suffixSame = blanked.endsWith(prev.slice(de - shift));
    if (prefixSame && suffixSame) return;
    let i = ds;
    if (!prefixSame) for (i = 0; i < ds && blanked.charCodeAt(i) === prev.charCodeAt(i);) i++;
    let j = de;
    if (!suffixSame)
      for (j = blanked.length; j > de && blanked.charCodeAt(j - 1) === prev.charCodeAt(j - 1 - shift);) j--;
    this.dirty = mergeDirty(this.dirty, i, j, j);
    const b = this.doc.positionAt(j);
    this.tree.edit(treeEditOf(i, j, j, this.doc.positionAt(i), b, b));
  }

  /**
   * Marks the items touched by the edits since the last parse, and one neighbour on each side, as
   * edited (wholeItemsSpan), so the incremental parse re-parses them whole.
   */
  private reparseWholeItems(old: Tree): [number, number] | undefined {
    if (!this.dirty) return undefined;
    const span = wholeItemsSpan(old.rootNode, this.dirty);
    if (!span) return undefined;
    const [a, b] = span;
    const pa = this.doc.positionAt(a);
    const pb = this.doc.positionAt(b);
    old.edit(treeEditOf(a, b, b, pa, pb, pb));
    this.dirty = mergeDirty(this.dirty, a, b, b);
    return span;
  }

  /**
   * The plain incremental parse, kept when the code around the edits (the items they touch and one
   * on each side) is error-free before and after it: there, reusing the old tree's pieces gives
   * what a fresh parse gives, since history only matters where error recovery ran.
   */
  private plainParse(parser: Parser, text: string, old: Tree, blanked: string): Tree | undefined {
    const around = this.dirty && wholeItemsSpan(old.rootNode, this.dirty);
    if (!around || !errorFree(old.rootNode, around)) return undefined;
    const next = parseKernelC(parser, text, old, blanked);
    if (errorFree(next.rootNode, around) && changesErrorFree(old, next)) {
      this.plainParses++;
      return next;
    }
    next.delete();
    return undefined;
  }

  /**
   * Otherwise: tree-sitter's error recovery depends on history: an incremental tree with ERROR nodes can
   * differ from a fresh parse of the same text, and so can the findings (the edit fuzzer,
   * test/fuzz/, found a wrong-release that only the edited document showed). Same text, same
   * tree: the touched items were marked to be re-parsed whole (reparseWholeItems, `span`), and if
   * the parse still changed code with errors elsewhere, the tree is replaced by a fresh parse.
   */
  private parseAroundEdits(
    parser: Parser,
    text: string,
    old: Tree | undefined,
    span: [number, number] | undefined,
    blanked: string,
  ): Tree {
    const next = parseKernelC(parser, text, old, blanked);
    if (!old || !next.rootNode.hasError || !touchesErrors(old, next, span, this.dirty)) return next;
    next.delete();
    this.freshParses++;
    return parseKernelC(parser, text, null, blanked);
  }

  /** The current tree (C documents only), reparsed incrementally if the text changed. */
  getTree(): Tree | undefined {
    const parser = this.parserOf();
    if (this.kind !== 'c' || !parser) return undefined;
    if (this.stale || !this.tree) {
      const text = this.text;
      const blanked = blankAttributes(text);
      this.reconcileBlanking(blanked);
      const old = this.tree;
      const plain = old && this.plainParse(parser, text, old, blanked);
      const span = plain || !old ? undefined : this.reparseWholeItems(old);
      this.reparsedSpan = span;
      const next = plain || this.parseAroundEdits(parser, text, old, span, blanked);
      old?.delete();
      this.dirty = undefined;
      this.tree = next;
      this.parsedInput = blanked;
      this.shift = 0;
      this.stale = false;
    }
    this.onTreeUsed(this);
    return this.tree;
  }

  /** The tree the last getTree() gave, while no change or drop has touched it since. */
  getTreeIfCurrent(): Tree | undefined {
    return this.stale ? undefined : this.tree;
  }

  /** True while a tree is held (for tests and the memory benchmark). */
  get hasTree(): boolean {
    return this.tree !== undefined;
  }

  /** Frees the tree (the next getTree() parses from scratch). */
  dropTree(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.parsedInput = undefined;
    this.shift = 0;
    this.dirty = undefined;
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
  /** Set in initialize from the negotiated position encoding. */
  codec: PositionCodec = UTF16;
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
    const doc = new OpenDocument(
      TextDocument.create(uri, languageId, version, text),
      kind,
      () => this.parser,
      (d) => this.treeUsed(d),
      () => this.codec,
    );
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

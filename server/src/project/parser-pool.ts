/**
 * The parser pool: one tree-sitter C parser per thread for one-shot parses (the CLI's files, the
 * patch reviewer's units, Check Workspace, hover snippets), created on first use from the core's
 * grammar loader. A parse must not await between parse() and the tree's use, so one parser per
 * thread is enough. Documents that the language server reparses incrementally own their parser
 * (lsp/documents.ts); everything else asks here.
 */
import { createCParser } from '../core/parser.ts';
import type { Parser } from 'web-tree-sitter';

let shared: Promise<Parser> | undefined;

/** This thread's parser (the grammar is loaded once). */
export function sharedParser(): Promise<Parser> {
  shared ??= createCParser();
  return shared;
}

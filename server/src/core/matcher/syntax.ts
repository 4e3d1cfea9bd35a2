/** Small helpers over tree-sitter-c nodes: calls, arguments, expression keys, ranges. */
import type { Node } from '../parser.ts';
import type { Range } from '../types.ts';
import { descendantsOf } from './descendant-index.ts';

export function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
}

/** Name of the called function when the callee is a plain identifier. */
export function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  return fn?.type === 'identifier' ? fn.text : undefined;
}

export function calleeNode(call: Node): Node | null {
  return call.childForFieldName('function');
}

/** The range of a call's function name (the whole call when it has none): where findings point. */
export function calleeRange(call: Node): Range {
  return rangeOf(calleeNode(call) ?? call);
}

/** Argument expressions of a call (comments dropped). */
export function callArguments(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args) return [];
  return args.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
}

/** Strips parentheses, casts and `(void)` around an expression. */
export function unwrap(node: Node): Node {
  let n = node;
  for (let i = 0; i < 64; i++) {
    if (n.type === 'parenthesized_expression' || n.type === 'cast_expression') {
      const inner =
        n.type === 'cast_expression'
          ? n.childForFieldName('value')
          : n.namedChildren.find((c) => c?.type !== 'comment');
      if (!inner) return n;
      n = inner;
    } else return n;
  }
  return n;
}

/** C comments, and the string and character literals a comment marker may sit in (kept). */
const COMMENT_OR_LITERAL = /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/**
 * Source text as code: each comment becomes one space (a comment between `nr` and `--` leaves
 * `nr --`), literals stay as written. What a text compare of an expression should see.
 */
export function codeOf(text: string): string {
  if (!text.includes('/')) return text.trim();
  return text.replace(COMMENT_OR_LITERAL, (_comment, literal: string | undefined) => literal ?? ' ').trim();
}

/** Source text with comments and white space removed, for comparing expressions written differently. */
export function squash(text: string): string {
  return codeOf(text).replace(/\s+/g, '');
}

/**
 * Conversions that still designate the same page (`page_folio(page)`, `page_to_pfn(page)`,
 * `page_address(page)`): whoever receives the result holds on to the page.
 */
const SAME_OBJECT_CALLS = new Set([
  'page_folio',
  'compound_head',
  'virt_to_page',
  'pfn_to_page',
  'page_to_pfn',
  'page_to_phys',
  'page_address',
  'folio_page',
  'folio_address',
  'phys_to_page',
]);

/**
 * The storage an expression designates, as a key: `pages`, `pages[i]`, `*pages`, `pages + n`,
 * `&pages[i]` → "pages"; `page`, `&page` → "page"; `ctx->pages[i]` → "ctx->pages".
 * Returns "NULL" for a null pointer and undefined when unknown (a call, an arbitrary expression).
 */
export function storageKey(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  switch (n.type) {
    case 'identifier':
      return n.text === 'NULL' ? 'NULL' : n.text;
    case 'null':
      return 'NULL';
    case 'number_literal':
      return n.text === '0' ? 'NULL' : undefined;
    case 'field_expression':
      // `ctx->/* note */pages`: comments are no part of the storage.
      return squash(n.text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '')).replace(/\[[^\]]*\]$/, '');
    case 'subscript_expression':
      return storageKey(n.childForFieldName('argument'));
    case 'pointer_expression': {
      // `*pages` is a page; `*(u32 *)page_address(page)` is data read from one.
      const arg = n.childForFieldName('argument');
      if (n.childForFieldName('operator')?.text === '*' && arg && readsData(arg)) return undefined;
      return storageKey(arg);
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text;
      if (op === '+' || op === '-') return storageKey(n.childForFieldName('left'));
      return undefined;
    }
    case 'call_expression': {
      const name = calleeName(n);
      if (name && SAME_OBJECT_CALLS.has(name)) return storageKey(callArguments(n)[0]);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The field name at the end of a field key (`ctx->pages` → `pages`), if it is one. */
export function fieldOfKey(key: string): string | undefined {
  const m = /(?:->|\.)(\w+)$/.exec(key);
  return m?.[1];
}

/** The variable a key starts from (`ctx->pages` → `ctx`, `pages` → `pages`). */
export function baseOfKey(key: string): string {
  return /^\w+/.exec(key)?.[0] ?? key;
}

/** Depth-first walk that yields every named node (cursor-based: cheap on large trees). */
export function* walkNamed(root: Node): Generator<Node> {
  const cursor = root.walk();
  let done = false;
  while (!done) {
    const node = cursor.currentNode;
    if (node.isNamed) yield node;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent() || cursor.currentNode.id === root.id) {
        done = true;
        break;
      }
    }
  }
  cursor.delete();
}

/**
 * The calls under a node, from its own walk: every function that names a table call has its calls
 * read (summaries), and most have nothing else read, so building their whole descendant index
 * here would allocate for nothing.
 */
export function collectCalls(root: Node): Node[] {
  return root.descendantsOfType('call_expression').filter((n): n is Node => n !== null);
}

/** Identifiers assigned by an expression or declaration (`x = …`, `x++`, `T x = …`). */
export function assignedNames(node: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node) => {
    if (n.type === 'assignment_expression') {
      const left = n.childForFieldName('left');
      if (left) {
        const u = unwrap(left);
        if (u.type === 'identifier') out.push(u.text);
      }
    } else if (n.type === 'update_expression') {
      const arg = n.childForFieldName('argument');
      if (arg && unwrap(arg).type === 'identifier') out.push(unwrap(arg).text);
    } else if (n.type === 'init_declarator') {
      const d = declaratorName(n.childForFieldName('declarator'));
      if (d) out.push(d);
    }
  };
  if (node.type === 'assignment_expression' || node.type === 'update_expression' || node.type === 'init_declarator')
    visit(node);
  for (const t of ['assignment_expression', 'update_expression', 'init_declarator'] as const) {
    for (const d of descendantsOf(node, t)) visit(d);
  }
  return out;
}

/** Name declared by a declarator (`*pages`, `pages[16]`, `page = NULL`). */
export function declaratorName(node: Node | null | undefined): string | undefined {
  let n = node;
  for (let i = 0; n && i < 16; i++) {
    if (n.type === 'identifier') return n.text;
    n =
      n.childForFieldName('declarator') ??
      n.namedChildren.find((c) => c?.type === 'identifier' || c?.type?.endsWith('declarator')) ??
      null;
  }
  return undefined;
}

/** Parameter names of a function definition, in order. */
export function parameterNames(fn: Node): string[] {
  const decl = findFunctionDeclarator(fn);
  const params = decl?.childForFieldName('parameters');
  if (!params) return [];
  return params.namedChildren
    .filter((p): p is Node => p?.type === 'parameter_declaration')
    .map((p) => declaratorName(p.childForFieldName('declarator')) ?? '');
}

export function findFunctionDeclarator(fn: Node): Node | null {
  let d = fn.childForFieldName('declarator');
  for (let i = 0; d && i < 8; i++) {
    if (d.type === 'function_declarator') return d;
    d = d.childForFieldName('declarator');
  }
  return null;
}

export function functionName(fn: Node): string | undefined {
  const decl = findFunctionDeclarator(fn);
  const id = decl?.childForFieldName('declarator');
  return id?.type === 'identifier' ? id.text : undefined;
}

/** Whether the function is `static` (a same-file helper or wrapper). */
export function isStatic(fn: Node): boolean {
  return fn.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
}

/** Names declared inside a function body (locals). */
export function localNames(body: Node): Set<string> {
  const out = new Set<string>();
  for (const d of descendantsOf(body, 'declaration')) {
    for (const c of d.namedChildren) {
      if (!c || c.type === 'storage_class_specifier' || c.type === 'type_qualifier') continue;
      if (c.type === 'init_declarator' || c.type.endsWith('declarator') || c.type === 'identifier') {
        const name = declaratorName(c);
        if (name) out.add(name);
      }
    }
  }
  return out;
}

export function isInside(node: Node, ancestor: Node): boolean {
  return node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}

/** Whether `name` occurs as an identifier inside `node`. */
export function mentions(node: Node, name: string): boolean {
  if (!node.text.includes(name)) return false;
  if (node.type === 'identifier') return node.text === name;
  return node.descendantsOfType('identifier').some((i) => i?.text === name);
}

/** A pointer computed to a page's contents (a cast, page_address(), kmap…): dereferencing it reads data. */
export function readsData(node: Node): boolean {
  if (node.type === 'cast_expression') return true;
  const u = unwrap(node);
  if (u.type === 'binary_expression') return readsData(u.childForFieldName('left')!);
  if (u.type === 'call_expression')
    return /^(page_address|folio_address|kmap\w*|lowmem_page_address)$/.test(calleeName(u) ?? '');
  return false;
}

/**
 * Function definitions of a file without walking into their bodies: top-level ones, and those
 * inside #if blocks, extern "C"-like wrappers or ERROR nodes (recovery keeps them there). In
 * document order: the cursor visits children in order and a block's items in its place.
 */
export function functionDefinitions(root: Node): Node[] {
  // A cursor: a kernel file has hundreds of top-level items, and only the definitions among them
  // become Node objects (this runs at every keystroke).
  const out: Node[] = [];
  const cursor = root.walk();
  const visit = (): void => {
    if (!cursor.gotoFirstChild()) return;
    do {
      if (!cursor.nodeIsNamed) continue;
      const t = cursor.nodeType;
      if (t === 'function_definition') out.push(cursor.currentNode);
      else if (t.startsWith('preproc_') || t === 'ERROR' || t === 'linkage_specification' || t === 'declaration_list')
        visit();
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  };
  try {
    visit();
  } finally {
    cursor.delete();
  }
  return out;
}

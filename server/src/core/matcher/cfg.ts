/**
 * Control-flow graph of one function body over tree-sitter-c statements: if/else, loops,
 * switch with fall-through, goto labels, break/continue, return, #ifdef branches, and ERROR
 * nodes (their children are taken as a straight sequence: recovery stays local).
 */
import type { Node } from '../parser.ts';

export type CfgKind = 'entry' | 'stmt' | 'branch' | 'return' | 'exit' | 'join';

export interface CfgNode {
  id: number;
  kind: CfgKind;
  /** The statement (stmt, return), the condition (branch) or the closing brace (exit). */
  ast?: Node;
  /** Successors; for `branch`: [when true, when false]. */
  succ: number[];
  /** For a loop's branch (or header): the loop statement. */
  loop?: Node;
  /** Branch on a condition we cannot read (#ifdef, a loop without a condition). */
  opaque?: boolean;
  /** For a switch: the controlling expression; succ[i] is the i-th case (then the fall-out). */
  switchOn?: Node;
  /** For a switch: the case_statement of each successor (in order). */
  cases?: Node[];
  /** For #if/#ifdef branches: a key naming the condition (the same key takes the same side). */
  preprocKey?: string;
}

export interface Cfg {
  nodes: CfgNode[];
  entry: number;
  /** CFG nodes whose ast contains a given AST node: found by position. */
  nodeOf(ast: Node): CfgNode | undefined;
}

interface Ctx {
  breakTo?: number;
  continueTo?: number;
}

const STATEMENT_SKIP = new Set([
  'comment',
  '{',
  '}',
  ';',
  'preproc_call',
  'preproc_def',
  'preproc_function_def',
  'preproc_include',
]);

export function buildCfg(body: Node): Cfg {
  const nodes: CfgNode[] = [];
  const labels = new Map<string, number>();
  const make = (kind: CfgKind, ast?: Node, succ: number[] = []): CfgNode => {
    const n: CfgNode = { id: nodes.length, kind, ast, succ };
    if (kind === 'branch' && !ast) n.opaque = true;
    nodes.push(n);
    return n;
  };
  const labelNode = (name: string): number => {
    let id = labels.get(name);
    if (id === undefined) {
      id = make('join').id;
      labels.set(name, id);
    }
    return id;
  };

  const seq = (stmts: Node[], next: number, ctx: Ctx): number => {
    let cur = next;
    for (let i = stmts.length - 1; i >= 0; i--) cur = build(stmts[i]!, cur, ctx);
    return cur;
  };
  const children = (n: Node): Node[] =>
    n.namedChildren.filter((c): c is Node => c !== null && !STATEMENT_SKIP.has(c.type));

  const build = (s: Node, next: number, ctx: Ctx): number => {
    switch (s.type) {
      case 'compound_statement':
        return seq(children(s), next, ctx);
      case 'if_statement': {
        const cond = s.childForFieldName('condition');
        const cons = s.childForFieldName('consequence');
        const alt = s.childForFieldName('alternative');
        const br = make('branch', cond ?? undefined);
        const t = cons ? build(cons, next, ctx) : next;
        const f = alt ? build(alt, next, ctx) : next;
        br.succ = [t, f];
        return br.id;
      }
      case 'else_clause':
        return seq(children(s), next, ctx);
      case 'while_statement': {
        const cond = s.childForFieldName('condition');
        const header = make('branch', cond ?? undefined);
        header.loop = s;
        const body = s.childForFieldName('body');
        const b = body ? build(body, header.id, { breakTo: next, continueTo: header.id }) : header.id;
        header.succ = [b, next];
        return header.id;
      }
      case 'do_statement': {
        const cond = s.childForFieldName('condition');
        const tail = make('branch', cond ?? undefined);
        tail.loop = s;
        const body = s.childForFieldName('body');
        const b = body ? build(body, tail.id, { breakTo: next, continueTo: tail.id }) : tail.id;
        tail.succ = [b, next];
        return b;
      }
      case 'for_statement': {
        const init = s.childForFieldName('initializer');
        const cond = s.childForFieldName('condition');
        const update = s.childForFieldName('update');
        const header = make('branch', cond ?? undefined);
        header.loop = s;
        if (!cond) header.opaque = true;
        const upd = update ? make('stmt', update, [header.id]).id : header.id;
        const body = s.childForFieldName('body');
        const b = body ? build(body, upd, { breakTo: next, continueTo: upd }) : upd;
        header.succ = [b, next];
        return init ? make('stmt', init, [header.id]).id : header.id;
      }
      case 'switch_statement': {
        const cond = s.childForFieldName('condition');
        const sw = make('stmt', cond ?? undefined);
        if (cond) sw.switchOn = cond;
        const body = s.childForFieldName('body');
        const cases = body ? children(body) : [];
        const inner: Ctx = { ...ctx, breakTo: next };
        const entries: number[] = [];
        const caseNodes: Node[] = [];
        let hasDefault = false;
        let cur = next;
        for (let i = cases.length - 1; i >= 0; i--) {
          const c = cases[i]!;
          if (c.type === 'case_statement') {
            if (!c.childForFieldName('value')) hasDefault = true;
            const stmts = children(c).filter((x) => x.id !== c.childForFieldName('value')?.id);
            cur = seq(stmts, cur, inner);
            entries.unshift(cur);
            caseNodes.unshift(c);
          } else {
            cur = build(c, cur, inner);
          }
        }
        sw.succ = hasDefault ? entries : [...entries, next];
        sw.cases = caseNodes;
        return sw.id;
      }
      case 'labeled_statement': {
        const name = s.childForFieldName('label')?.text ?? '';
        const id = labelNode(name);
        const inner = children(s).filter((c) => c.type !== 'statement_identifier');
        nodes[id]!.succ = [seq(inner, next, ctx)];
        return id;
      }
      case 'goto_statement': {
        const name = s.childForFieldName('label')?.text ?? '';
        return make('stmt', s, [labelNode(name)]).id;
      }
      case 'return_statement':
        return make('return', s).id;
      case 'break_statement':
        return make('stmt', s, [ctx.breakTo ?? next]).id;
      case 'continue_statement':
        return make('stmt', s, [ctx.continueTo ?? next]).id;
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_else':
      case 'preproc_elifdef': {
        const alt = s.childForFieldName('alternative');
        const own = children(s).filter(
          (c) =>
            c.id !== alt?.id &&
            c.id !== s.childForFieldName('condition')?.id &&
            c.id !== s.childForFieldName('name')?.id,
        );
        if (s.type === 'preproc_else') return seq(own, next, ctx);
        const br = make('branch');
        br.opaque = true;
        br.preprocKey = preprocKey(s);
        br.succ = [seq(own, next, ctx), alt ? build(alt, next, ctx) : next];
        return br.id;
      }
      case 'ERROR':
        return seq(children(s), next, ctx);
      default:
        return make('stmt', s, [next]).id;
    }
  };

  const exitNode = make('exit', body.lastChild ?? body);
  const entry = make('entry');
  entry.succ = [build(body, exitNode.id, {})];
  // A goto to a label that does not exist (macro-generated): treat as leaving the function.
  for (const id of labels.values()) if (nodes[id]!.succ.length === 0) nodes[id]!.succ = [exitNode.id];

  const located = nodes.filter((n) => n.ast && n.kind !== 'exit');
  return {
    nodes,
    entry: entry.id,
    nodeOf(ast: Node) {
      // The innermost (smallest) CFG node whose ast encloses the given node.
      let best: CfgNode | undefined;
      for (const n of located) {
        const a = n.ast!;
        if (a.startIndex <= ast.startIndex && a.endIndex >= ast.endIndex) {
          if (!best || a.endIndex - a.startIndex < best.ast!.endIndex - best.ast!.startIndex) best = n;
        }
      }
      return best;
    },
  };
}

/** `#ifdef CONFIG_MMU` → "ifdef:CONFIG_MMU"; `#if X` → "if:X" (the same test always goes the same way). */
export function preprocKey(s: Node): string {
  const name = s.childForFieldName('name') ?? s.childForFieldName('condition');
  const kind =
    s.type === 'preproc_ifdef' ? (s.text.startsWith('#ifndef') ? 'ifndef' : 'ifdef') : s.type.replace('preproc_', '');
  return `#${kind}:${(name?.text ?? '').replace(/\s+/g, '')}`;
}

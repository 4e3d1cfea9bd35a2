/**
 * Reading branch conditions in the "success world" of an acquisition: the result is known to be
 * at least 1 (and exactly 1 for single-page acquisitions), the pages pointer is non-NULL.
 * Three-valued: true, false, or undefined when the condition says nothing we can read.
 */
import type { Node } from '../parser.ts';
import { calleeName, callArguments, squash, unwrap } from './syntax.ts';

export interface ConditionWorld {
  /** The acquisition call (its value is the result). */
  call: Node;
  /** Variables holding the result while it is alive. */
  resultNames: ReadonlySet<string>;
  /** Pointer variable(s) that hold the pages (non-NULL in the success world). */
  pointerNames: ReadonlySet<string>;
  /** Largest possible result: 1 for single-page acquisitions. */
  max: number;
  /** Squashed text of the requested count, for "all pages were taken" checks. */
  countText?: string;
  /** Assumptions made on earlier branches, by squashed condition text. */
  assumed(text: string): boolean | undefined;
  /** Texts assumed true on this path (for `x==VALUE` facts from a switch case). */
  facts?(): readonly string[];
}

/** The constant a switch case on this path fixed `expr` to, if any. */
function knownValue(w: ConditionWorld, expr: string): string | undefined {
  const prefix = `${expr}==`;
  for (const t of w.facts?.() ?? []) if (t.startsWith(prefix)) return t.slice(prefix.length);
  return undefined;
}

/** A literal or an UPPER_CASE name (enum or #define): distinct texts are distinct values. */
function isConstantText(t: string): boolean {
  return /^(?:-?\d+[uUlL]*|0[xX][0-9a-fA-F]+[uUlL]*|[A-Z][A-Z0-9_]*|'.{1,2}')$/.test(t);
}

type Interval = [number, number];

const PASS_THROUGH = new Set([
  'likely',
  'unlikely',
  'WARN_ON',
  'WARN_ON_ONCE',
  'WARN_ON_ONCE_PAGE',
  'VM_WARN_ON',
  'VM_WARN_ON_ONCE',
]);
const ERROR_TESTS = new Set(['IS_ERR', 'IS_ERR_OR_NULL', 'IS_ERR_VALUE']);

function isResult(n: Node, w: ConditionWorld): boolean {
  const u = unwrap(n);
  if (u.id === w.call.id) return true;
  if (u.type === 'identifier' && w.resultNames.has(u.text)) return true;
  if (u.type === 'assignment_expression' && u.childForFieldName('operator')?.text === '=') {
    const right = u.childForFieldName('right');
    return !!right && isResult(right, w);
  }
  return false;
}

function intervalOf(n: Node, w: ConditionWorld): Interval | undefined {
  const u = unwrap(n);
  if (isResult(u, w)) return [1, w.max];
  if (u.type === 'identifier' && w.pointerNames.has(u.text)) return [1, Infinity];
  if (u.type === 'number_literal') {
    const v = Number.parseInt(
      u.text.replace(/[uUlL]+$/, ''),
      u.text.startsWith('0x') || u.text.startsWith('0X') ? 16 : 10,
    );
    return Number.isFinite(v) ? [v, v] : undefined;
  }
  if (u.type === 'null' || (u.type === 'identifier' && u.text === 'NULL')) return [0, 0];
  if (u.type === 'true') return [1, 1];
  if (u.type === 'false') return [0, 0];
  if (u.type === 'unary_expression' && u.childForFieldName('operator')?.text === '-') {
    const arg = u.childForFieldName('argument');
    if (!arg) return undefined;
    const a = unwrap(arg);
    if (a.type === 'identifier' && /^E[A-Z0-9]+$/.test(a.text)) return [-4095, -1];
    const inner = intervalOf(a, w);
    return inner ? [-inner[1], -inner[0]] : undefined;
  }
  return undefined;
}

function compare(op: string, a: Interval, b: Interval): boolean | undefined {
  const [alo, ahi] = a;
  const [blo, bhi] = b;
  switch (op) {
    case '<':
      return ahi < blo ? true : alo >= bhi ? false : undefined;
    case '<=':
      return ahi <= blo ? true : alo > bhi ? false : undefined;
    case '>':
      return alo > bhi ? true : ahi <= blo ? false : undefined;
    case '>=':
      return alo >= bhi ? true : ahi < blo ? false : undefined;
    case '==':
      return alo === ahi && blo === bhi && alo === blo ? true : ahi < blo || alo > bhi ? false : undefined;
    case '!=': {
      const eq = compare('==', a, b);
      return eq === undefined ? undefined : !eq;
    }
    default:
      return undefined;
  }
}

const not = (v: boolean | undefined) => (v === undefined ? undefined : !v);

export function evaluate(node: Node, w: ConditionWorld): boolean | undefined {
  const u = unwrap(node);
  if (isResult(u, w)) return true;
  switch (u.type) {
    case 'identifier':
      if (w.pointerNames.has(u.text)) return true;
      break;
    case 'unary_expression': {
      const op = u.childForFieldName('operator')?.text;
      const arg = u.childForFieldName('argument');
      if (op === '!' && arg) return not(evaluate(arg, w));
      break;
    }
    case 'binary_expression': {
      const op = u.childForFieldName('operator')?.text ?? '';
      const left = u.childForFieldName('left');
      const right = u.childForFieldName('right');
      if (!left || !right) break;
      // `A && acquire()`: the acquisition only ran (and succeeded) when A held; likewise `A || acquire()`.
      const acqRight = right.startIndex <= w.call.startIndex && right.endIndex >= w.call.endIndex;
      if (acqRight && (op === '&&' || op === '||')) {
        const b = evaluate(right, w);
        if (b !== undefined) return b;
      }
      if (op === '&&') {
        const a = evaluate(left, w);
        const b = evaluate(right, w);
        if (a === false || b === false) return false;
        if (a === true && b === true) return true;
        break;
      }
      if (op === '||') {
        const a = evaluate(left, w);
        const b = evaluate(right, w);
        if (a === true || b === true) return true;
        if (a === false && b === false) return false;
        break;
      }
      if (op === '==' || op === '!=') {
        // `switch (cmd) case 1:` earlier on the path: `cmd == 1` is known, `cmd == 2` is not so.
        const value = knownValue(w, squash(unwrap(left).text));
        const other = squash(unwrap(right).text);
        if (value !== undefined && isConstantText(other) && isConstantText(value)) {
          return (value === other) === (op === '==');
        }
      }
      const a = intervalOf(left, w);
      const b = intervalOf(right, w);
      if (a && b) {
        const v = compare(op, a, b);
        if (v !== undefined) return v;
      }
      break;
    }
    case 'call_expression': {
      const name = calleeName(u);
      const args = callArguments(u);
      if (name && PASS_THROUGH.has(name) && args[0]) return evaluate(args[0], w);
      if (name && ERROR_TESTS.has(name) && args[0]) {
        const a = unwrap(args[0]);
        if (isResult(a, w) || (a.type === 'identifier' && w.pointerNames.has(a.text))) return false;
      }
      break;
    }
  }
  return w.assumed(squash(u.text));
}

/**
 * Whether taking a branch proves that every requested page was taken (`ret == nr_pages` true,
 * `ret != nr_pages` or `ret < nr_pages` false).
 */
export function provesFull(node: Node, w: ConditionWorld): { onTrue: boolean; onFalse: boolean } {
  const none = { onTrue: false, onFalse: false };
  if (!w.countText) return none;
  const u = unwrap(node);
  if (u.type === 'unary_expression' && u.childForFieldName('operator')?.text === '!') {
    const inner = provesFull(u.childForFieldName('argument')!, w);
    return { onTrue: inner.onFalse, onFalse: inner.onTrue };
  }
  if (u.type !== 'binary_expression') return none;
  const op = u.childForFieldName('operator')?.text ?? '';
  const left = u.childForFieldName('left');
  const right = u.childForFieldName('right');
  if (!left || !right) return none;
  if (op === '&&') {
    const a = provesFull(left, w);
    const b = provesFull(right, w);
    return { onTrue: a.onTrue || b.onTrue, onFalse: false };
  }
  if (op === '||') {
    const a = provesFull(left, w);
    const b = provesFull(right, w);
    return { onTrue: false, onFalse: a.onFalse || b.onFalse };
  }
  let resultLeft: boolean;
  if (isResult(left, w) && squash(unwrap(right).text) === w.countText) resultLeft = true;
  else if (isResult(right, w) && squash(unwrap(left).text) === w.countText) resultLeft = false;
  else return none;
  const flipped: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
  const o = resultLeft ? op : flipped[op];
  switch (o) {
    case '==':
    case '>=':
      return { onTrue: true, onFalse: false };
    case '!=':
    case '<':
      return { onTrue: false, onFalse: true };
    default:
      return none;
  }
}

/** Whether a condition can be remembered for later branches (no calls, no assignments). */
export function isPure(node: Node): boolean {
  if (node.type === 'call_expression' || node.type === 'assignment_expression' || node.type === 'update_expression')
    return false;
  return node.descendantsOfType(['call_expression', 'assignment_expression', 'update_expression']).length === 0;
}

/**
 * Whether a branch condition excludes a negative result (-errno) on each of its sides, so that
 * the acquisition's result may be used as a page count there. `ret < 0` and `ret <= 0` exclude it
 * on the false side, `ret > 0`, `ret >= 1`, `ret == nr` on the true side; `ret != nr`, `!ret` and
 * a bare `ret` exclude it on neither (domain.md §5: a count compared with `!= n` reaches
 * `unpin_user_pages(p, -EFAULT)`). Undefined when the condition tests the result in a way this
 * does not read (a call on it, a mask): the caller then counts it as a check, and stays quiet.
 * Asked by the path search (paths.ts) for unchecked-result.
 */
import type { Node } from '../parser.ts';
import { calleeName, callArguments, unwrap } from './syntax.ts';

export interface SignCheck {
  onTrue: boolean;
  onFalse: boolean;
}

const NEITHER: SignCheck = { onTrue: false, onFalse: false };
const MIRROR: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** The result itself: its variable, or `(ret = acquire(…))` assigning it. */
function isResultNode(n: Node, names: ReadonlySet<string>): boolean {
  const u = unwrap(n);
  if (u.type === 'identifier') return names.has(u.text);
  if (u.type === 'assignment_expression' && u.childForFieldName('operator')?.text === '=') {
    const left = u.childForFieldName('left');
    return !!left && unwrap(left).type === 'identifier' && names.has(unwrap(left).text);
  }
  return false;
}

function mentions(n: Node, names: ReadonlySet<string>): boolean {
  if (n.type === 'identifier') return names.has(n.text);
  return n.descendantsOfType('identifier').some((i) => !!i && names.has(i.text));
}

/** The lower bound a compared expression is assumed to have: its value if a literal, else 0 (a count). */
function lowerBound(n: Node): number | undefined {
  const u = unwrap(n);
  if (u.type === 'number_literal') {
    const v = Number(u.text.replace(/[uUlL]+$/, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (u.type === 'unary_expression' && u.childForFieldName('operator')?.text === '-') {
    const arg = u.childForFieldName('argument');
    const v = arg ? lowerBound(arg) : undefined;
    return v === undefined ? undefined : -v;
  }
  // A variable or an expression: a page count (nr_pages, npages) is not negative.
  return 0;
}

/** `r OP c` with the result on the left: which sides exclude a negative r. */
function comparison(op: string, c: number): SignCheck {
  switch (op) {
    case '<':
      return { onTrue: false, onFalse: c >= 0 };
    case '<=':
      return { onTrue: false, onFalse: c >= -1 };
    case '>':
      return { onTrue: c >= -1, onFalse: false };
    case '>=':
      return { onTrue: c >= 0, onFalse: false };
    case '==':
      return { onTrue: c >= 0, onFalse: false };
    case '!=':
      return { onTrue: false, onFalse: c >= 0 };
    default:
      return NEITHER;
  }
}

export function signCheck(cond: Node, names: ReadonlySet<string>): SignCheck | undefined {
  const n = unwrap(cond);
  if (!mentions(n, names)) return NEITHER;
  switch (n.type) {
    case 'identifier':
      return NEITHER; // `if (ret)`: true for -errno too
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text;
      const arg = n.childForFieldName('argument');
      if (op !== '!' || !arg) return undefined;
      const inner = signCheck(arg, names);
      return inner && { onTrue: inner.onFalse, onFalse: inner.onTrue };
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text ?? '';
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return undefined;
      if (op === '&&' || op === '||') {
        const a = signCheck(left, names);
        const b = signCheck(right, names);
        if (!a || !b) return undefined;
        return op === '&&'
          ? { onTrue: a.onTrue || b.onTrue, onFalse: a.onFalse && b.onFalse }
          : { onTrue: a.onTrue && b.onTrue, onFalse: a.onFalse || b.onFalse };
      }
      if (!(op in MIRROR)) return undefined;
      const l = unwrap(left);
      const r = unwrap(right);
      const resultLeft = isResultNode(l, names) && !mentions(r, names);
      const resultRight = isResultNode(r, names) && !mentions(l, names);
      if (!resultLeft && !resultRight) return undefined;
      const c = lowerBound(resultLeft ? r : l);
      if (c === undefined) return undefined;
      return comparison(resultLeft ? op : MIRROR[op]!, c);
    }
    case 'call_expression': {
      const name = calleeName(n);
      const args = callArguments(n);
      if ((name === 'likely' || name === 'unlikely') && args[0]) return signCheck(args[0], names);
      if (name === 'IS_ERR_VALUE' && args[0] && unwrap(args[0]).type === 'identifier')
        return { onTrue: false, onFalse: true };
      return undefined;
    }
    default:
      return undefined;
  }
}

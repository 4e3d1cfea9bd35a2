/**
 * Which side of a branch a tested hand-off succeeded on (domain.md §5: a hand-off holds only on
 * the paths where its receiver took the pages). The sink's table row says what success returns:
 * `nonzero` (bio_add_page: the length added, 0 on failure) or `zero` (sg_alloc_table_from_pages:
 * 0, or -errno). The call may be tested directly (`if (!bio_add_page(…))`) or through the
 * variable it was assigned to (`ret = sg_alloc_table_from_pages(…); if (ret)`).
 */
import type { Node } from '../parser.ts';
import { calleeName, unwrap } from './syntax.ts';

export type SuccessSense = 'nonzero' | 'zero';
export type Side = 'true' | 'false';

const PASS_THROUGH = new Set(['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE']);
const MIRROR: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

const isZero = (n: Node): boolean => /^0[uUlL]*$/.test(unwrap(n).text.trim());

/** `v OP other` (v the call's value): whether the comparison is true exactly when the call succeeded. */
function comparisonMeansSuccess(op: string, other: Node, sense: SuccessSense): boolean | undefined {
  if (isZero(other)) {
    // Against 0: success is v != 0 (nonzero sense) or v == 0 (zero sense; failures are negative).
    const nonzeroTrue = op === '!=' || op === '>' ? true : op === '==' || op === '<=' ? false : undefined;
    if (sense === 'nonzero') return nonzeroTrue;
    if (op === '<') return false;
    if (op === '>=') return true;
    return nonzeroTrue === undefined ? undefined : !nonzeroTrue;
  }
  // Against the length asked for: only a call that returns what it added reads this way.
  if (sense !== 'nonzero') return undefined;
  if (op === '!=' || op === '<') return false;
  if (op === '==' || op === '>=') return true;
  return undefined;
}

/**
 * For `operand` (the sink call, or an identifier holding its result) inside the branch condition
 * `cond`: the side on which the call succeeded. Undefined when the test says nothing readable.
 */
export function successSide(cond: Node, operand: Node, sense: SuccessSense): Side | undefined {
  const top = unwrap(cond);
  let n: Node = operand;
  let negated = false;
  const side = (successWhenTrue: boolean): Side => (successWhenTrue !== negated ? 'true' : 'false');
  for (let i = 0; i < 16; i++) {
    if (n.id === top.id || n.id === cond.id) return side(sense === 'nonzero');
    const p = n.parent;
    if (!p) return undefined;
    switch (p.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        n = p;
        continue;
      case 'assignment_expression':
        // `if ((ret = sg_alloc_table_from_pages(…)))`: the value is the call's.
        if (p.childForFieldName('right')?.id !== n.id || p.childForFieldName('operator')?.text !== '=')
          return undefined;
        n = p;
        continue;
      case 'argument_list': {
        const call = p.parent;
        const name = call?.type === 'call_expression' ? calleeName(call) : undefined;
        if (!call || !name || !PASS_THROUGH.has(name) || p.namedChildren.length !== 1) return undefined;
        n = call;
        continue;
      }
      case 'unary_expression':
        if (p.childForFieldName('operator')?.text !== '!') return undefined;
        negated = !negated;
        n = p;
        continue;
      case 'binary_expression': {
        const op = p.childForFieldName('operator')?.text ?? '';
        if (!(op in MIRROR)) return undefined;
        const left = p.childForFieldName('left');
        const right = p.childForFieldName('right');
        if (!left || !right) return undefined;
        const isLeft = left.id === n.id;
        const means = comparisonMeansSuccess(isLeft ? op : MIRROR[op]!, isLeft ? right : left, sense);
        if (means === undefined) return undefined;
        if (p.id !== top.id) {
          // `!(ret < 0)`, `likely(ret == 0)`: keep walking with the comparison as the value tested.
          negated = means ? negated : !negated;
          n = p;
          sense = 'nonzero';
          continue;
        }
        return side(means);
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The same for the variable `name` that holds the call's result: its first reading in `cond`. */
export function successSideOfVariable(cond: Node, name: string, sense: SuccessSense): Side | undefined {
  const ids = cond.type === 'identifier' ? [cond] : cond.descendantsOfType('identifier');
  for (const id of ids) {
    if (!id || id.text !== name) continue;
    return successSide(cond, id, sense);
  }
  return undefined;
}

/**
 * C's integer types as a 64-bit kernel has them (int 32 bits, long 64 bits) and the arithmetic
 * on them: the types a cast may name, the type of a literal, integer promotions, the usual
 * arithmetic conversions, wrap-around to the type's width, and each binary operator, computed
 * exactly with BigInt. The expression evaluator (decode-expression.ts) tokenizes and parses; it
 * asks here what each literal, cast and operator gives. Errors are CExpressionError.
 */

export interface CType {
  /** C spelling of the type after promotion rules, e.g. `unsigned int`. */
  name: string;
  bits: 8 | 16 | 32 | 64;
  unsigned: boolean;
}

export interface CValue {
  value: bigint;
  type: CType;
}

export class CExpressionError extends Error {
  override name = 'CExpressionError';
}

const T = (name: string, bits: CType['bits'], unsigned: boolean): CType => ({ name, bits, unsigned });
export const C_INT = T('int', 32, false);
export const C_UINT = T('unsigned int', 32, true);
export const C_LONG = T('long', 64, false);
export const C_ULONG = T('unsigned long', 64, true);

/** Type names accepted in casts, as written (after collapsing whitespace). */
export const CAST_TYPES: ReadonlyMap<string, CType> = new Map([
  ['char', T('char', 8, false)],
  ['signed char', T('signed char', 8, false)],
  ['unsigned char', T('unsigned char', 8, true)],
  ['short', T('short', 16, false)],
  ['short int', T('short', 16, false)],
  ['unsigned short', T('unsigned short', 16, true)],
  ['unsigned short int', T('unsigned short', 16, true)],
  ['int', C_INT],
  ['signed', C_INT],
  ['signed int', C_INT],
  ['unsigned', C_UINT],
  ['unsigned int', C_UINT],
  ['long', C_LONG],
  ['long int', C_LONG],
  ['signed long', C_LONG],
  ['long long', C_LONG],
  ['long long int', C_LONG],
  ['unsigned long', C_ULONG],
  ['unsigned long int', C_ULONG],
  ['unsigned long long', C_ULONG],
  ['unsigned long long int', C_ULONG],
  ['u8', T('u8', 8, true)],
  ['s8', T('s8', 8, false)],
  ['u16', T('u16', 16, true)],
  ['s16', T('s16', 16, false)],
  ['u32', T('u32', 32, true)],
  ['s32', T('s32', 32, false)],
  ['u64', T('u64', 64, true)],
  ['s64', T('s64', 64, false)],
  ['__u32', T('__u32', 32, true)],
  ['__s32', T('__s32', 32, false)],
  ['__u64', T('__u64', 64, true)],
  ['__s64', T('__s64', 64, false)],
  ['uint32_t', T('uint32_t', 32, true)],
  ['int32_t', T('int32_t', 32, false)],
  ['uint64_t', T('uint64_t', 64, true)],
  ['int64_t', T('int64_t', 64, false)],
  ['size_t', T('size_t', 64, true)],
  ['ssize_t', T('ssize_t', 64, false)],
  ['atomic_t', C_INT],
]);
export const TYPE_WORDS = new Set([...CAST_TYPES.keys()].flatMap((k) => k.split(' ')));

export function wrap(value: bigint, type: CType): bigint {
  return type.unsigned ? BigInt.asUintN(type.bits, value) : BigInt.asIntN(type.bits, value);
}

export function promote(t: CType): CType {
  return t.bits < 32 ? C_INT : t;
}

/** C's usual arithmetic conversions on two promoted integer types (LP64). */
function common(a: CType, b: CType): CType {
  a = promote(a);
  b = promote(b);
  if (a.bits === b.bits)
    return a.unsigned || b.unsigned ? (a.bits === 64 ? C_ULONG : C_UINT) : a.bits === 64 ? C_LONG : C_INT;
  const wide = a.bits > b.bits ? a : b;
  // The wider (64-bit) type can hold every value of the narrower one: it wins, with its signedness.
  return wide.unsigned ? C_ULONG : C_LONG;
}

export function canonical(t: CType): CType {
  if (t.bits === 64) return t.unsigned ? C_ULONG : C_LONG;
  if (t.bits === 32) return t.unsigned ? C_UINT : C_INT;
  return t;
}

/** Type of an integer literal per C11 6.4.4.1 (LP64). */
export function literalType(value: bigint, decimal: boolean, suffix: string, text: string): CType {
  const s = suffix.toLowerCase();
  if (!/^(|u|l|ul|lu|ll|ull|llu)$/.test(s)) throw new CExpressionError(`bad integer suffix in ${text}`);
  const unsignedSuffix = s.includes('u');
  const longSuffix = s.includes('l');
  const candidates: CType[] = [];
  if (!longSuffix) candidates.push(...(unsignedSuffix ? [C_UINT] : decimal ? [C_INT] : [C_INT, C_UINT]));
  candidates.push(...(unsignedSuffix ? [C_ULONG] : decimal ? [C_LONG] : [C_LONG, C_ULONG]));
  for (const t of candidates) if (wrap(value, t) === value) return t;
  throw new CExpressionError(`${text} is too large for any C integer type (over 64 bits)`);
}

/** A named constant as a C value: a plain number gets type int (long when it does not fit). */
export function toCValue(v: CValue | number | bigint): CValue {
  if (typeof v === 'object') return v;
  const value = BigInt(v);
  return { value, type: wrap(value, C_INT) === value ? C_INT : C_LONG };
}

export function applyBinary(op: string, a: CValue, b: CValue, warnings: string[]): CValue {
  if (op === '&&' || op === '||') {
    const r = op === '&&' ? a.value !== 0n && b.value !== 0n : a.value !== 0n || b.value !== 0n;
    return { value: r ? 1n : 0n, type: C_INT };
  }
  if (op === '<<' || op === '>>') {
    const type = canonical(promote(a.type));
    if (b.value < 0n || b.value >= BigInt(type.bits)) {
      throw new CExpressionError(`shift by ${b.value} is undefined for ${type.name} (${type.bits} bits)`);
    }
    const value = op === '<<' ? wrap(a.value << b.value, type) : wrap(a.value >> b.value, type);
    return { value, type };
  }
  const type = common(a.type, b.type);
  const x = wrap(a.value, type);
  const y = wrap(b.value, type);
  switch (op) {
    case '+':
      return { value: wrap(x + y, type), type };
    case '-':
      return { value: wrap(x - y, type), type };
    case '*':
      return { value: wrap(x * y, type), type };
    case '/':
    case '%':
      if (y === 0n) throw new CExpressionError('division by zero');
      // BigInt division truncates toward zero and % takes the dividend's sign, as in C.
      return { value: wrap(op === '/' ? x / y : x % y, type), type };
    case '&':
      return { value: wrap(x & y, type), type };
    case '|':
      return { value: wrap(x | y, type), type };
    case '^':
      warnings.push('^ is exclusive or in C (for a power of two write 1UL << n)');
      return { value: wrap(x ^ y, type), type };
    case '<':
      return { value: x < y ? 1n : 0n, type: C_INT };
    case '<=':
      return { value: x <= y ? 1n : 0n, type: C_INT };
    case '>':
      return { value: x > y ? 1n : 0n, type: C_INT };
    case '>=':
      return { value: x >= y ? 1n : 0n, type: C_INT };
    case '==':
      return { value: x === y ? 1n : 0n, type: C_INT };
    case '!=':
      return { value: x !== y ? 1n : 0n, type: C_INT };
  }
  throw new CExpressionError(`unsupported operator ${op}`);
}

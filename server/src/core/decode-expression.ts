/**
 * A small, safe evaluator for C integer constant expressions, as they appear around page
 * refcounts: `3 * GUP_PIN_COUNTING_BIAS + 1`, `(1U << 10) * 2`, `(int)0xffffffff`, `-1024`.
 *
 * Literals (decimal, 0x hex, 0 octal, 0b binary, U/L/UL/LL suffixes), named constants (the
 * caller's table, GUP_PIN_COUNTING_BIAS by default), unary + - ~ !, * / % + - << >> < <= > >=
 * == != & ^ | && ||, parentheses and casts to integer types. Arithmetic follows C's rules for
 * a 64-bit kernel (int 32 bits, long 64 bits, integer promotions, usual arithmetic conversions,
 * wrap-around to the type's width), computed exactly with BigInt.
 *
 * Never eval(): a tokenizer and a precedence-climbing parser, linear in the input, with bounded
 * input length and nesting depth. Errors are CExpressionError with a message for the user.
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
const CAST_TYPES: ReadonlyMap<string, CType> = new Map([
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
const TYPE_WORDS = new Set([...CAST_TYPES.keys()].flatMap((k) => k.split(' ')));

/** Longest input accepted (an expression in a hover or on a command line is short). */
export const MAX_EXPRESSION_LENGTH = 1000;
const MAX_DEPTH = 64;

function wrap(value: bigint, type: CType): bigint {
  return type.unsigned ? BigInt.asUintN(type.bits, value) : BigInt.asIntN(type.bits, value);
}

function promote(t: CType): CType {
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

function canonical(t: CType): CType {
  if (t.bits === 64) return t.unsigned ? C_ULONG : C_LONG;
  if (t.bits === 32) return t.unsigned ? C_UINT : C_INT;
  return t;
}

type Token =
  | { kind: 'num'; text: string; value: CValue; octal: boolean }
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'end'; text: '' };

const NUMBER_RE = /(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|([0-9]+))([uUlL]*)(?![\w.])/y;
const IDENT_RE = /[A-Za-z_]\w*/y;
const OPERATORS = [
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
  '!',
  '(',
  ')',
  '<',
  '>',
];

/** Type of an integer literal per C11 6.4.4.1 (LP64). */
function literalType(value: bigint, decimal: boolean, suffix: string, text: string): CType {
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

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c >= '0' && c <= '9') {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      if (!m) throw new CExpressionError(`not a C integer: ${text.slice(i).split(/[\s()]/)[0]}`);
      const [all, hex, bin, dec, suffix] = m;
      let value: bigint;
      let octal = false;
      let decimal = false;
      if (hex !== undefined) value = BigInt(`0x${hex}`);
      else if (bin !== undefined) value = BigInt(`0b${bin}`);
      else if (dec!.length > 1 && dec!.startsWith('0')) {
        if (/[89]/.test(dec!))
          throw new CExpressionError(`${dec} is not a valid octal number (C reads a leading 0 as octal)`);
        value = BigInt(`0o${dec!.slice(1)}`);
        octal = true;
      } else {
        value = BigInt(dec!);
        decimal = true;
      }
      tokens.push({
        kind: 'num',
        text: all,
        value: { value, type: literalType(value, decimal, suffix ?? '', all) },
        octal,
      });
      i += all.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      IDENT_RE.lastIndex = i;
      const m = IDENT_RE.exec(text)!;
      tokens.push({ kind: 'id', text: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new CExpressionError(`unexpected character '${c}' in a C integer expression`);
    tokens.push({ kind: 'op', text: op });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** Binary operators by precedence level (higher binds tighter). */
const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

export interface EvaluateOptions {
  /** Named constants; a plain number gets type int (long when it does not fit). */
  names?: Readonly<Record<string, CValue | number | bigint>>;
}

export interface EvaluateResult extends CValue {
  /** Things the user may not expect: octal literals, `^` being exclusive or. */
  warnings: string[];
}

function toCValue(v: CValue | number | bigint): CValue {
  if (typeof v === 'object') return v;
  const value = BigInt(v);
  return { value, type: wrap(value, C_INT) === value ? C_INT : C_LONG };
}

class ExpressionParser {
  private pos = 0;
  private depth = 0;
  readonly warnings: string[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly names: ReadonlyMap<string, CValue>,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    return this.tokens[Math.min(this.pos++, this.tokens.length - 1)]!;
  }

  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text)
      throw new CExpressionError(t.kind === 'end' ? `missing '${text}'` : `expected '${text}' before '${t.text}'`);
  }

  parseAll(): CValue {
    const v = this.binary(1);
    const t = this.peek();
    if (t.kind !== 'end') throw new CExpressionError(`unexpected '${t.text}'`);
    return v;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new CExpressionError(`expression nested more than ${MAX_DEPTH} deep`);
  }

  private binary(minPrec: number): CValue {
    this.enter();
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const prec = t.kind === 'op' ? BINARY_PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < minPrec) break;
      this.next();
      const right = this.binary(prec + 1);
      left = applyBinary(t.text, left, right, this.warnings);
    }
    this.depth--;
    return left;
  }

  /** `(type-name)` at the cursor: the type, or undefined when the parenthesis opens an expression. */
  private castType(): CType | undefined {
    if (this.peek().text !== '(') return undefined;
    const words: string[] = [];
    let k = 1;
    while (this.peek(k).kind === 'id' && TYPE_WORDS.has(this.peek(k).text)) words.push(this.peek(k++).text);
    if (words.length === 0 || this.peek(k).text !== ')') return undefined;
    const type = CAST_TYPES.get(words.join(' '));
    if (!type) throw new CExpressionError(`unknown integer type '${words.join(' ')}' in a cast`);
    this.pos += k + 1;
    return type;
  }

  private unary(): CValue {
    this.enter();
    const t = this.peek();
    let result: CValue;
    const cast = this.castType();
    if (cast) {
      const v = this.unary();
      result = { value: wrap(v.value, cast), type: cast };
    } else if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
      this.next();
      const v = this.unary();
      const type = canonical(promote(v.type));
      if (t.text === '-') result = { value: wrap(-v.value, type), type };
      else if (t.text === '+') result = { value: v.value, type };
      else if (t.text === '~') result = { value: wrap(~v.value, type), type };
      else result = { value: v.value === 0n ? 1n : 0n, type: C_INT };
    } else {
      result = this.primary();
    }
    this.depth--;
    return result;
  }

  private primary(): CValue {
    const t = this.next();
    if (t.kind === 'num') {
      if (t.octal) this.warnings.push(`${t.text} is octal in C (= ${t.value.value})`);
      return t.value;
    }
    if (t.kind === 'id') {
      const v = this.names.get(t.text);
      if (!v)
        throw new CExpressionError(`unknown name '${t.text}' (known: ${[...this.names.keys()].join(', ') || 'none'})`);
      return v;
    }
    if (t.text === '(') {
      const v = this.binary(1);
      this.expect(')');
      return v;
    }
    throw new CExpressionError(t.kind === 'end' ? 'expression ends too early' : `unexpected '${t.text}'`);
  }
}

function applyBinary(op: string, a: CValue, b: CValue, warnings: string[]): CValue {
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

/** Evaluates a C integer constant expression. Throws CExpressionError on anything else. */
export function evaluateCExpression(text: string, options: EvaluateOptions = {}): EvaluateResult {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new CExpressionError(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  if (text.trim() === '') throw new CExpressionError('empty expression');
  const names = new Map(Object.entries(options.names ?? {}).map(([k, v]) => [k, toCValue(v)]));
  const parser = new ExpressionParser(tokenize(text), names);
  const v = parser.parseAll();
  return { ...v, warnings: [...new Set(parser.warnings)] };
}

/** Like evaluateCExpression, but undefined instead of an error (for hovers over arbitrary text). */
export function tryEvaluateCExpression(text: string, options: EvaluateOptions = {}): EvaluateResult | undefined {
  try {
    return evaluateCExpression(text, options);
  } catch (e) {
    if (e instanceof CExpressionError) return undefined;
    throw e;
  }
}

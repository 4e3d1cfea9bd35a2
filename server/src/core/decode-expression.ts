/**
 * A small, safe evaluator for C integer constant expressions, as they appear around page
 * refcounts: `3 * GUP_PIN_COUNTING_BIAS + 1`, `(1U << 10) * 2`, `(int)0xffffffff`, `-1024`.
 *
 * Literals (decimal, 0x hex, 0 octal, 0b binary, U/L/UL/LL suffixes), named constants (the
 * caller's table, GUP_PIN_COUNTING_BIAS by default), unary + - ~ !, * / % + - << >> < <= > >=
 * == != & ^ | && ||, parentheses and casts to integer types. Arithmetic follows C's rules for
 * a 64-bit kernel (int 32 bits, long 64 bits, integer promotions, usual arithmetic conversions,
 * wrap-around to the type's width), computed exactly with BigInt (the types and the arithmetic:
 * c-integers.ts).
 *
 * Never eval(): a tokenizer and a precedence-climbing parser, linear in the input, with bounded
 * input length and nesting depth. Errors are CExpressionError with a message for the user.
 */
import {
  applyBinary,
  canonical,
  CAST_TYPES,
  CExpressionError,
  C_INT,
  literalType,
  promote,
  toCValue,
  TYPE_WORDS,
  wrap,
  type CType,
  type CValue,
} from './c-integers.ts';

export { CExpressionError, type CType, type CValue } from './c-integers.ts';

/** Longest input accepted (an expression in a hover or on a command line is short). */
export const MAX_EXPRESSION_LENGTH = 1000;
const MAX_DEPTH = 64;

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

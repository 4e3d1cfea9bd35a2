/**
 * Page refcount decoding with the GUP pin bias (domain.md §2): a value of page->_refcount, as
 * typed, printed by dump_page() or written as a C expression, becomes pins + ordinary references,
 * with what cannot be known said plainly (the split is only certain while fewer than `bias`
 * ordinary references are held) and the limits of a 32-bit atomic_t.
 *
 * Shared by the CLI (`gup-review decode`) and the language server's hover. Pure: no I/O.
 */
import { DEFAULT_GUP_PIN_COUNTING_BIAS } from './api-table.ts';
import { C_UINT } from './c-integers.ts';
import { CExpressionError, evaluateCExpression, type EvaluateOptions } from './decode-expression.ts';
import type { ApiModel } from './types.ts';

export { CExpressionError, evaluateCExpression, tryEvaluateCExpression } from './decode-expression.ts';
export type { CType, CValue, EvaluateResult } from './decode-expression.ts';

/** The name of the bias macro, known to the expression evaluator. */
export const BIAS_NAME = 'GUP_PIN_COUNTING_BIAS';

export class DecodeInputError extends Error {
  override name = 'DecodeInputError';
}

export interface DecodeOptions {
  /** GUP_PIN_COUNTING_BIAS in force (api-model.ts biasFromHeader() reads a tree's); default 1 << 10. */
  bias?: number;
  /**
   * The API model of the code being read. `unpin_user_page` (default): mainline ≥ 5.7, a pin adds
   * the bias. `put_user_page`: the 2019 RFC (a pin adds the bias too; its test was `> bias`) and
   * the 5.2–5.6 kernels of that API, where a GUP reference adds 1 like any other.
   */
  model?: ApiModel;
}

/** Where the number came from. */
export type DecodeSource = 'number' | 'expression' | 'dump_page';

export interface ParsedRefcountInput {
  value: bigint;
  source: DecodeSource;
  /** The dump_page field the value was read from (`refcount`, or `count` before 5.2). */
  field?: 'refcount' | 'count';
  mapcount?: number;
  /** Exact pin count of a compound page, when the dump line has one. */
  pincount?: number;
  pincountField?: 'pincount' | 'compound_pincount';
  warnings: string[];
}

export interface RefcountDecode {
  input: string;
  source: DecodeSource;
  field?: 'refcount' | 'count';
  /** The value as given (may not fit 32 bits). */
  value: number;
  /** The 32 bits page->_refcount would hold, read signed (as the kernel and dump_page do) and unsigned. */
  signed32: number;
  unsigned32: number;
  hex32: string;
  /** Whether the value fits a 32-bit atomic_t (as signed or unsigned). */
  fits32: boolean;
  bias: number;
  model: ApiModel;
  /** Pins and ordinary references, assuming fewer than `bias` ordinary references (the usual case). */
  pins: number;
  refs: number;
  /** The ordinary references may have carried into the pin part: `pins` is then an upper bound. */
  ambiguous: boolean;
  /** Upper bound on pins (lower when the dump line's mapcount proves that many references). */
  pinsAtMost: number;
  /** folio_maybe_dma_pinned() for a small folio: (unsigned)refcount >= bias. */
  maybePinned: boolean;
  mapcount?: number;
  pincount?: number;
  pincountField?: 'pincount' | 'compound_pincount';
  /** One line for a hover or a table. */
  summary: string;
  notes: string[];
}

const TWO_31 = 2n ** 31n;
const TWO_32 = 2n ** 32n;

const fmt = (n: number | bigint): string => n.toLocaleString('en-US');

/** Reads a dump_page()/tracepoint field like `refcount:3`, `count:3` or `count=3`. */
function field(text: string, name: string): number | undefined {
  const m = new RegExp(`(?<![\\w])${name}\\s*[:=]\\s*(-?\\d+)`).exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses one decode input: a number (decimal, 0x hex, negative), a C expression over
 * GUP_PIN_COUNTING_BIAS, `refcount:N` / `count:N`, or a whole dump_page line.
 */
export function parseRefcountInput(input: string, options: DecodeOptions = {}): ParsedRefcountInput {
  const text = input.trim();
  if (text === '') throw new DecodeInputError('empty value');
  if (text.length > 4096) throw new DecodeInputError('value longer than 4096 characters');
  for (const name of ['refcount', 'count'] as const) {
    const m = new RegExp(`(?<![\\w])${name}\\s*[:=]\\s*(-?\\d+)(?![\\w])`).exec(text);
    if (!m) continue;
    const parsed: ParsedRefcountInput = { value: BigInt(m[1]!), source: 'dump_page', field: name, warnings: [] };
    const mapcount = field(text, 'mapcount');
    if (mapcount !== undefined) parsed.mapcount = mapcount;
    for (const pf of ['pincount', 'compound_pincount'] as const) {
      const p = field(text, pf);
      if (p !== undefined) {
        parsed.pincount = p;
        parsed.pincountField = pf;
      }
    }
    return parsed;
  }
  const bias = checkBias(options.bias);
  const names: EvaluateOptions['names'] = { [BIAS_NAME]: { value: BigInt(bias), type: C_UINT } };
  try {
    const r = evaluateCExpression(text, { names });
    const plain = /^-?\s*(?:0[xX][0-9a-fA-F]+|\d+)$/.test(text);
    return { value: r.value, source: plain ? 'number' : 'expression', warnings: r.warnings };
  } catch (e) {
    if (!(e instanceof CExpressionError)) throw e;
    throw new DecodeInputError(
      `cannot decode "${text.length > 60 ? `${text.slice(0, 57)}...` : text}": ${e.message}; expected a number ` +
        '(1027, 0x400, -1), refcount:N, count:N, a dump_page line or a C expression such as 3 * GUP_PIN_COUNTING_BIAS + 1',
    );
  }
}

function checkBias(bias: number | undefined): number {
  const b = bias ?? DEFAULT_GUP_PIN_COUNTING_BIAS;
  if (!Number.isSafeInteger(b) || b < 2 || b > 2 ** 31)
    throw new DecodeInputError(`bias must be an integer from 2 to 2^31, not ${b}`);
  return b;
}

/** Decodes a refcount value (see the module comment). Throws DecodeInputError on bad input. */
export function decodeRefcount(input: string | number | bigint, options: DecodeOptions = {}): RefcountDecode {
  const bias = checkBias(options.bias);
  const model = options.model ?? 'unpin_user_page';
  const parsed =
    typeof input === 'string'
      ? parseRefcountInput(input, { ...options, bias })
      : { value: BigInt(input), source: 'number' as const, warnings: [] };
  const v = parsed.value;
  const fits32 = v >= -TWO_31 && v < TWO_32;
  const unsigned = BigInt.asUintN(32, v);
  const signed = BigInt.asIntN(32, v);
  const b = BigInt(bias);
  const pins = Number(unsigned / b);
  const refs = Number(unsigned % b);
  const maxPinsSigned = Number((TWO_31 - 1n) / b);
  const maxPinsUnsigned = Number(TWO_32 / b);
  const notes: string[] = [...parsed.warnings];
  const maybePinned = unsigned >= b;

  let pinsAtMost = pins;
  let ambiguous = maybePinned;
  let summary: string;
  let shownPins = pins;
  let shownRefs = refs;

  // Decoding the low 32 bits of a wider value would headline whatever they happen to be (2^32 →
  // "free page"): a value page->_refcount cannot hold is an input error.
  if (!fits32) {
    throw new DecodeInputError(
      `${fmt(v)} does not fit page->_refcount: it is a 32-bit atomic_t on every architecture, 64-bit included ` +
        `(values from ${fmt(-TWO_31)} to ${fmt(TWO_32 - 1n)}; its low 32 bits would read ${fmt(unsigned)})`,
    );
  }

  if (parsed.pincount !== undefined) {
    // Compound page with an exact pin counter: each pin added 1 to the refcount, not the bias.
    shownPins = parsed.pincount;
    shownRefs = Math.max(0, Number(signed) - parsed.pincount);
    pinsAtMost = parsed.pincount;
    ambiguous = false;
    summary = `compound page: ${plural(parsed.pincount, 'pin')} (exact, ${parsed.pincountField}), refcount ${fmt(signed)}`;
    notes.push(
      `large folios count pins in ${parsed.pincountField === 'pincount' ? 'folio->_pincount (6.3 on, printed as pincount:)' : 'compound_pincount (5.9–6.2)'}; ` +
        'a pin adds 1 to their refcount, so the bias decode does not apply: the refcount is references plus pins',
    );
  } else if (signed === 0n) {
    summary = 'free page: no references at all';
    ambiguous = false;
    notes.push('0 means a free page: nothing holds it, and taking a reference or a pin on it is a bug');
  } else if (signed < 0n) {
    const neg = -signed;
    summary = `negative (${fmt(signed)}): overflow, or an underflow from an extra release`;
    ambiguous = true;
    notes.push(
      `negative as a signed int (the kernel reads the counter signed and treats ≤ 0 as broken; dump_page prints it so): ` +
        `either more than ${fmt(maxPinsSigned)} pins overflowed the signed counter, or the page was released once too often`,
    );
    if (neg % b === 0n) {
      notes.push(
        `${fmt(signed)} is ${neg / b === 1n ? 'exactly one bias' : `exactly ${fmt(neg / b)} × bias`}: the signature of ${neg / b === 1n ? 'an unpin' : 'unpins'} of pages that were not pinned ` +
          '(unpin_user_page* on pages from get_user_pages*, which drops the refcount by the bias)',
      );
    } else if (neg < b) {
      notes.push(`${fmt(signed)}: ${plural(Number(neg), 'reference')} dropped too many (an extra put_page?)`);
    }
    notes.push(
      `read unsigned it would be ${fmt(pins)} pins + ${fmt(refs)} refs, near the ${fmt(maxPinsUnsigned)}-pin limit of the 22 upper bits`,
    );
  } else if (!maybePinned) {
    summary = `0 pins, ${plural(refs, 'ref')}`;
    ambiguous = false;
  } else {
    if (parsed.mapcount !== undefined && parsed.mapcount >= 0) {
      // Each mapping of the page holds an ordinary reference: at least `mapcount` of them.
      const m = BigInt(parsed.mapcount);
      pinsAtMost = unsigned > m ? Number((unsigned - m) / b) : 0;
      if (pinsAtMost < pins) {
        notes.push(
          `mapcount:${parsed.mapcount} proves at least ${fmt(parsed.mapcount)} ordinary references (one per mapping), ` +
            `so the low ${Math.log2(bias) % 1 === 0 ? `${Math.log2(bias)} bits` : 'part'} overflowed: at most ${plural(pinsAtMost, 'pin')}`,
        );
      }
    }
    if (pinsAtMost === 0) {
      shownPins = 0;
      shownRefs = Number(unsigned);
      ambiguous = false;
      summary = `0 pins, ${plural(shownRefs, 'ref')} (the mapcount accounts for the high bits, not pins)`;
    } else if (pinsAtMost < pins) {
      shownPins = pinsAtMost;
      shownRefs = Number(unsigned - BigInt(pinsAtMost) * b);
      summary = `≤ ${plural(pinsAtMost, 'pin')} (not ${fmt(pins)}: the mapcount shows ≥ ${fmt(bias)} ordinary references)`;
    } else {
      summary = `${plural(pins, 'pin')}, ${plural(refs, 'ref')} (≤ ${plural(pins, 'pin')} if ${fmt(bias)} or more ordinary references are held)`;
    }
    notes.push(
      `the split assumes fewer than ${fmt(bias)} ordinary references: each ${fmt(bias)} of them look like one more pin, ` +
        `so ${fmt(pins)} is an upper bound (folio_maybe_dma_pinned() is fuzzy the same way: true may be wrong, false is exact)`,
    );
    if (signed > 0n && pins === maxPinsSigned) {
      notes.push(
        `at the limit: beyond ${fmt(maxPinsSigned)} pins the signed counter goes negative (${fmt(maxPinsUnsigned)} pins if it were read unsigned)`,
      );
    }
    notes.push(
      `small (order-0) pages only: since 5.7 large folios count pins in a separate exact counter and a pin adds 1 to their refcount, so the bias does not apply to them`,
    );
  }

  if (fits32 && v >= TWO_31) {
    notes.push(
      `${fmt(v)} is above 2^31 − 1: the kernel reads the counter as a signed int, ${fmt(signed)}; ` +
        `pins beyond ${fmt(maxPinsSigned)} turn it negative (the 22 upper bits would hold ${fmt(maxPinsUnsigned)} pins only if read unsigned)`,
    );
  }

  if (model === 'put_user_page') {
    notes.push(
      `put_user_page model: the 2019 RFC added the bias per pin as decoded here (its page_dma_pinned() test was refcount > bias${unsigned === b ? ', so exactly the bias read as not pinned' : ''}); ` +
        `in the 5.2–5.6 kernels of that API a GUP reference adds 1 like any other, so there ${fmt(signed)} is simply ${plural(Number(signed < 0n ? 0n : signed), 'reference')}`,
    );
  }

  return {
    input: typeof input === 'string' ? input.trim() : String(input),
    source: parsed.source,
    ...(parsed.field ? { field: parsed.field } : {}),
    value: Number(v),
    signed32: Number(signed),
    unsigned32: Number(unsigned),
    hex32: `0x${unsigned.toString(16).padStart(8, '0')}`,
    fits32,
    bias,
    model,
    pins: shownPins,
    refs: shownRefs,
    ambiguous,
    pinsAtMost,
    maybePinned: parsed.pincount !== undefined ? parsed.pincount > 0 : maybePinned,
    ...(parsed.mapcount !== undefined ? { mapcount: parsed.mapcount } : {}),
    ...(parsed.pincount !== undefined ? { pincount: parsed.pincount, pincountField: parsed.pincountField } : {}),
    summary,
    notes,
  };
}

function plural(n: number, word: string): string {
  return `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
}

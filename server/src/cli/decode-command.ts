/**
 * `gup-review decode VALUE...`: each value (1027, 0x400, -1, refcount:2050, a dump_page line, a
 * C expression) decoded with the pin bias, as a small table or as JSON.
 */
import { decodeRefcount, DecodeInputError, type RefcountDecode } from '../core/decode.ts';
import type { ApiModel } from '../core/types.ts';
import { UsageError } from './errors.ts';
import type { CommandIo } from './check-command.ts';

export interface DecodeCommandOptions {
  json?: boolean;
  bias?: string;
  api?: string;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const fmt = (n: number): string => n.toLocaleString('en-US');

/** The compact table for one value. */
export function renderDecode(d: RefcountDecode): string {
  const rows: Array<[string, string]> = [
    ['value', `${fmt(d.value)} = ${d.hex32}, signed ${fmt(d.signed32)}`],
    ['bias', `${fmt(d.bias)} (GUP_PIN_COUNTING_BIAS)`],
    [
      'pins',
      d.signed32 < 0 && d.pincount === undefined
        ? `${fmt(d.pins)} if read unsigned (the value is negative: see the notes)`
        : d.ambiguous
          ? d.pinsAtMost < d.pins
            ? `≤ ${fmt(d.pinsAtMost)} (not ${fmt(d.pins)}: see the notes)`
            : `${fmt(d.pins)} (an upper bound)`
          : fmt(d.pins),
    ],
    ['refs', fmt(d.refs)],
    ['ambiguous', yesNo(d.ambiguous)],
    ['maybe pinned', `${yesNo(d.maybePinned)} (folio_maybe_dma_pinned)`],
  ];
  if (d.mapcount !== undefined) rows.push(['mapcount', fmt(d.mapcount)]);
  if (d.pincount !== undefined) rows.push([d.pincountField ?? 'pincount', fmt(d.pincount)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`${d.input}: ${d.summary}`];
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(width)}  ${v}`);
  for (const n of d.notes) lines.push(`  - ${n}`);
  return lines.join('\n');
}

export function runDecode(values: readonly string[], opts: DecodeCommandOptions, io: CommandIo): number {
  let bias: number | undefined;
  if (opts.bias !== undefined) {
    if (!/^(?:0[xX][0-9a-fA-F]+|\d+)$/.test(opts.bias))
      throw new UsageError(`--bias expects a number, not '${opts.bias}'`);
    bias = Number(opts.bias);
  }
  const model = (opts.api ?? 'unpin_user_page') as ApiModel;
  const decoded: RefcountDecode[] = [];
  let failed = false;
  for (const v of values) {
    try {
      decoded.push(decodeRefcount(v, { ...(bias !== undefined ? { bias } : {}), model }));
    } catch (e) {
      if (!(e instanceof DecodeInputError)) throw e;
      if (bias !== undefined && /bias/.test(e.message)) throw new UsageError(`--bias: ${e.message}`);
      io.stderr(`gup-review: ${e.message}\n`);
      failed = true;
    }
  }
  if (opts.json)
    io.stdout(JSON.stringify(values.length === 1 && decoded.length === 1 ? decoded[0] : decoded, null, 2) + '\n');
  else if (decoded.length > 0) io.stdout(decoded.map(renderDecode).join('\n\n') + '\n');
  return failed ? 2 : 0;
}

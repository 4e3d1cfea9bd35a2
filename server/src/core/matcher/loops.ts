import type { Node } from '../parser.ts';
import { codeOf, squash, unwrap } from './syntax.ts';
import { descendantsOf } from './descendant-index.ts';

/** Every for/while/do loop in a function body. */
export function collectLoops(body: Node): readonly Node[] {
  return descendantsOf(body, ['for_statement', 'while_statement', 'do_statement']);
}

const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);

/** The innermost loop around a node, within its function. */
export function enclosingLoop(node: Node): Node | undefined {
  for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) if (LOOPS.has(p.type)) return p;
  return undefined;
}

/** Index variable and bound of `for (i = 0; i < n; i++)` (or `int i = 0`, `++i`, `i += 1`). */
export function forHeader(loop: Node): { index: string; bound: Node } | undefined {
  const init = loop.childForFieldName('initializer');
  const cond = loop.childForFieldName('condition');
  const update = loop.childForFieldName('update');
  if (!init || !cond || !update) return undefined;
  const m = /^(?:(?:unsigned\s+)?(?:int|long)\s+)?(\w+)\s*=\s*0;?$/.exec(codeOf(init.text));
  if (!m) return undefined;
  const index = m[1]!;
  const c = unwrap(cond);
  if (c.type !== 'binary_expression' || c.childForFieldName('operator')?.text !== '<') return undefined;
  if (unwrap(c.childForFieldName('left')!).text !== index) return undefined;
  if (!new RegExp(`^(?:${index}\\+\\+|\\+\\+${index}|${index}\\+=1)$`).test(squash(update.text))) return undefined;
  return { index, bound: c.childForFieldName('right')! };
}

/** `while (i--)` or `while (--i >= 0)`: releases i elements. */
export function whileCountdown(loop: Node): string | undefined {
  if (loop.type !== 'while_statement') return undefined;
  const cond = squash(loop.childForFieldName('condition')?.text ?? '');
  const m = /^\((\w+)--\)$/.exec(cond) ?? /^\(--(\w+)>=0\)$/.exec(cond);
  return m?.[1];
}

/**
 * The elements `[0, n)` of an array that a release covers, as `array[n]` text: a batch release
 * `unpin_user_pages(pages, nr)`, or a single release of `pages[i]` in `while (nr--)` /
 * `while (--nr >= 0)` / `for (i = 0; i < nr; i++)`. A page stored at `pages[nr]` before `nr` is
 * advanced is not among them. Undefined when the release is not read that way.
 */
export function coveredElements(call: Node, object: Node | undefined, count: Node | undefined): string | undefined {
  const obj = object ? unwrap(object) : undefined;
  if (!obj) return undefined;
  if (count) {
    const n = unwrap(count);
    return obj.type === 'identifier' && n.type === 'identifier' ? `${obj.text}[${n.text}]` : undefined;
  }
  if (obj.type !== 'subscript_expression') return undefined;
  const array = unwrap(obj.childForFieldName('argument')!);
  const index = squash(obj.childForFieldName('index')?.text ?? '');
  const loop = enclosingLoop(call);
  if (!loop || array.type !== 'identifier') return undefined;
  const header = loop.type === 'for_statement' ? forHeader(loop) : undefined;
  const bound = header
    ? header.index === index && unwrap(header.bound).type === 'identifier'
      ? unwrap(header.bound).text
      : undefined
    : whileCountdown(loop) === index
      ? index
      : undefined;
  return bound ? `${array.text}[${bound}]` : undefined;
}

/**
 * How an open C document's tree follows its edits (documents.ts asks, for each change and each
 * parse): the tree-sitter Edit for a change, the span edited since the last parse, the items
 * (functions, declarations, the items of an #ifdef block) that the next incremental parse
 * re-parses whole so that its result does not depend on the edit history, and whether a parse
 * still changed code with errors outside them (then the document parses afresh).
 */
import { Edit, type Node, type Tree } from '../core/parser.ts';

/** The union of an edited span with one more change (`start`..`oldEnd` became `start`..`newEnd`). */
export function mergeDirty(
  span: [number, number] | undefined,
  start: number,
  oldEnd: number,
  newEnd: number,
): [number, number] {
  if (!span) return [start, newEnd];
  const shift = newEnd - oldEnd;
  const [s, e] = span;
  // Map the old span through the change, then take the union with the change's new text.
  const ms = s <= start ? s : s >= oldEnd ? s + shift : start;
  const me = e <= start ? e : e >= oldEnd ? e + shift : newEnd;
  return [Math.min(ms, start), Math.max(me, newEnd)];
}

/**
 * Marks the items (functions, declarations, …) touched by the edits since the last parse, and
 * one neighbour on each side, as edited, so the incremental parse re-parses them whole instead
 * of re-using pieces of their old trees. Re-using pieces inside code with errors is what makes
 * tree-sitter's result depend on the edit history; starting from an item boundary, the parse of
 * these items sees what a fresh parse sees. Items are those of the translation unit, or of the
 * innermost preprocessor block (`#ifdef … #endif`) holding the whole edit: its items start in
 * the same parser state as top-level ones, and one such block can be a third of a file
 * (mm/gup.c's CONFIG_MMU block is 36 KB), which re-parsing whole made every keystroke in it cost
 * a third of a full parse.
 *
 * `root` is the old tree's root and `dirty` the span edited since; the result is the span to
 * re-parse whole (undefined: none).
 */
export function wholeItemsSpan(root: Node, dirty: [number, number]): [number, number] | undefined {
  const [ds, de] = dirty;
  // The file's own items are found from the edit by sibling steps (a kernel file has hundreds,
  // and this runs at every keystroke); an #ifdef block's, as a list.
  const top = topItemsAround(root, ds, de);
  if (!top) return undefined;
  const [first, last] = top;
  const within = first.id === last.id ? itemsInside(first, ds, de) : undefined;
  if (!within) return [(first.previousSibling ?? first).startIndex, (last.nextSibling ?? last).endIndex];
  let items: Node[] = within;
  let a: number | undefined;
  let b: number | undefined;
  while (items.length > 0) {
    const n = items.length;
    let first = -1;
    let last = -1;
    for (let i = 0; i < n; i++) {
      const c = items[i]!;
      if (c.endIndex < ds) continue;
      if (c.startIndex > de) {
        if (first < 0) first = last = i;
        break;
      }
      if (first < 0) first = i;
      last = i;
    }
    if (first < 0) first = last = n - 1;
    const inner = first === last ? itemsInside(items[first]!, ds, de) : undefined;
    if (inner) {
      items = inner;
      continue;
    }
    a = items[Math.max(0, first - 1)]!.startIndex;
    b = items[Math.min(n - 1, last + 1)]!.endIndex;
    break;
  }
  if (a === undefined || b === undefined) return undefined;
  return [a, b];
}

/**
 * The first and last child of `root` the span `ds`..`de` touches (a child ending exactly at `ds`
 * counts); the one after the span when it touches none, the last child when the span is past all.
 * Node's sibling steps pass over a zero-width (MISSING) item: then the span reaches the next item,
 * a larger re-parse, never a smaller one.
 */
function topItemsAround(root: Node, ds: number, de: number): [Node, Node] | undefined {
  const first = (ds > 0 ? root.firstChildForIndex(ds - 1) : root.firstChild) ?? root.lastChild;
  if (!first) return undefined;
  if (first.startIndex > de) return [first, first];
  let last = first;
  for (let next = last.nextSibling; next && next.startIndex <= de; next = next.nextSibling) last = next;
  return [first, last];
}

/**
 * Safety net: whether the parse changed structure outside the items re-parsed whole (`span`) in
 * code with ERROR nodes. There the incremental tree could depend on history; the caller then
 * parses afresh. Without a span (no tree before), any change in code with errors counts.
 */
export function touchesErrors(
  oldTree: Tree,
  next: Tree,
  span: [number, number] | undefined,
  dirty: [number, number] | undefined,
): boolean {
  const outside = oldTree
    .getChangedRanges(next)
    .map((r): [number, number] => [r.startIndex, r.endIndex])
    .filter(([s, e]) => !span || s < span[0] || e > span[1]);
  if (!span && dirty) outside.push(dirty);
  if (outside.length === 0) return false;
  const root = next.rootNode;
  const n = root.childCount;
  for (let i = 0; i < n; i++) {
    const c = root.child(i)!;
    if (!outside.some(([s, e]) => s <= c.endIndex && e >= c.startIndex)) continue;
    if (c.hasError || c.isError || c.isMissing) return true;
  }
  return false;
}

/**
 * Whether no ERROR or MISSING node overlaps `a`..`b`: the nodes inside the span are tested whole
 * (hasError), the ones straddling an end are descended into.
 */
export function errorFree(node: Node, [a, b]: [number, number]): boolean {
  if (node.endIndex < a || node.startIndex > b) return true;
  if (!node.hasError) return true;
  if (node.isError || node.isMissing || (node.startIndex >= a && node.endIndex <= b)) return false;
  // The children overlapping the span only, with a cursor (the root has hundreds; Node's
  // nextSibling would step over a zero-width MISSING child).
  const cursor = node.walk();
  try {
    if (!(a > 0 ? cursor.gotoFirstChildForIndex(a - 1) : cursor.gotoFirstChild())) return true;
    do {
      if (cursor.startIndex > b) break;
      if (!errorFree(cursor.currentNode, [a, b])) return false;
    } while (cursor.gotoNextSibling());
    return true;
  } finally {
    cursor.delete();
  }
}

/** Whether every range a parse changed (old → next) is free of errors in the new tree. */
export function changesErrorFree(oldTree: Tree, next: Tree): boolean {
  if (!next.rootNode.hasError) return true;
  return oldTree.getChangedRanges(next).every((r) => errorFree(next.rootNode, [r.startIndex, r.endIndex]));
}

/** Preprocessor blocks whose body is a list of top-level items. */
const PREPROC_BLOCKS = new Set(['preproc_ifdef', 'preproc_if', 'preproc_elif', 'preproc_elifdef', 'preproc_else']);

/**
 * The items of the preprocessor block `node` (or of its `#else`/`#elif` branch) when the span
 * `ds`..`de` lies among them, touching neither a directive line nor the block's ends; else undefined.
 */
function itemsInside(node: Node, ds: number, de: number): Node[] | undefined {
  if (!PREPROC_BLOCKS.has(node.type)) return undefined;
  const alternative = node.childForFieldName('alternative');
  if (alternative && ds >= alternative.startIndex && de <= alternative.endIndex)
    return itemsInside(alternative, ds, de);
  const directive = new Set([
    node.childForFieldName('name')?.id,
    node.childForFieldName('condition')?.id,
    alternative?.id,
  ]);
  const items = node.namedChildren.filter((c): c is Node => c !== null && !directive.has(c.id));
  if (items.length === 0 || ds < items[0]!.startIndex || de > items.at(-1)!.endIndex) return undefined;
  return items;
}

/** A tree-sitter Edit from offsets and LSP positions (both in UTF-16 code units). */
export function treeEditOf(
  startIndex: number,
  oldEndIndex: number,
  newEndIndex: number,
  start: { line: number; character: number },
  oldEnd: { line: number; character: number },
  newEnd: { line: number; character: number },
): Edit {
  const point = (p: { line: number; character: number }) => ({ row: p.line, column: p.character });
  return new Edit({
    startIndex,
    oldEndIndex,
    newEndIndex,
    startPosition: point(start),
    oldEndPosition: point(oldEnd),
    newEndPosition: point(newEnd),
  });
}

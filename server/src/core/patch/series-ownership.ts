/**
 * Ownership across the files and functions of a series: every C unit of a review's post-images
 * (after all of its patches) gives its FileFacts to an OwnershipIndex (core/ownership), keyed by
 * its file and unit, so a put_page() that patch 2 adds in one function is judged against the pin
 * patch 1 stores into the same struct field in another function or file. Asked by the patch
 * reviewer (review.ts), which analyses each unit with the index's view of the others and maps a
 * place in another unit back to the input through that unit's rows.
 */
import { extractFileFacts } from '../analyze.ts';
import { OwnershipIndex } from '../ownership/ownership-index.ts';
import { parseKernelC, type Node } from '../parser.ts';
import type { ModelChoice } from '../types.ts';
import type { CUnit } from './c-units.ts';
import type { Parser } from 'web-tree-sitter';

export interface SeriesUnit {
  /** The unit's name in the index: its file, then its place among the file's units. */
  key: string;
  file: string;
  unit: CUnit;
  /** function_definition rows of the unit. */
  spans: Array<[number, number]>;
}

/** The rows each function_definition of a unit spans. */
export function functionSpans(root: Node): Array<[number, number]> {
  return root
    .descendantsOfType('function_definition')
    .flatMap((n) => (n ? [[n.startPosition.row, n.endPosition.row] as [number, number]] : []));
}

/** The index over the units (one parse each, freed here) and the units by key. */
export function seriesIndex(
  units: ReadonlyArray<{ file: string; unit: CUnit; n: number }>,
  parser: Parser,
  model: ModelChoice,
): { index: OwnershipIndex; byKey: Map<string, SeriesUnit> } {
  const index = new OwnershipIndex();
  const byKey = new Map<string, SeriesUnit>();
  for (const { file, unit, n } of units) {
    // The index reads a key's directory up to its last '/': the unit suffix has none.
    const key = `${file}#${n}`;
    const tree = parseKernelC(parser, unit.text);
    try {
      index.set(key, extractFileFacts(unit.text, tree, { model }));
      byKey.set(key, { key, file, unit, spans: functionSpans(tree.rootNode) });
    } finally {
      tree.delete();
    }
  }
  return { index, byKey };
}

/** Placeholder until the matcher lands: analyses nothing. */
import type { Node } from '../parser.ts';
import type { ApiModel, Finding, Range } from '../types.ts';

export class FunctionCache {
  readonly entries = new Map<string, unknown>();
}

export function analyzeTranslationUnit(
  _root: Node,
  _text: string,
  _model: ApiModel,
  _cache?: FunctionCache,
): { findings: Finding[]; notes: Array<{ range: Range; message: string }> } {
  return { findings: [], notes: [] };
}

/**
 * The registry of `check --format` values. Adding a format is one file in this folder plus one
 * line here.
 */
import { checkpatchFormat } from './checkpatch.ts';
import type { OutputFormat } from './format.ts';
import { jsonFormat } from './json.ts';
import { replyFormat } from './reply.ts';
import { sarifFormat } from './sarif.ts';
import { textFormat } from './text.ts';

export type { CheckSummary, FileReport, FormatContext, OutputFormat } from './format.ts';

export const FORMATS: readonly OutputFormat[] = [textFormat, jsonFormat, sarifFormat, checkpatchFormat, replyFormat];

export const FORMAT_NAMES: readonly string[] = FORMATS.map((f) => f.name);

export function findFormat(name: string): OutputFormat | undefined {
  return FORMATS.find((f) => f.name === name);
}

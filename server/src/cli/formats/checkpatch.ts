/**
 * PLACEHOLDER owned by the patch engineer (issue 5): checkpatch.pl-style output
 * (`WARNING:GUP_WRONG_RELEASE: …` then `#NN: FILE:LINE:` and the quoted line). Until it lands it
 * prints the text format.
 */
import type { OutputFormat } from './format.ts';
import { textFormat } from './text.ts';

export const checkpatchFormat: OutputFormat = {
  name: 'checkpatch',
  description: 'checkpatch.pl style (placeholder: prints the text format)',
  render: (reports, summary, ctx) => textFormat.render(reports, summary, ctx),
};

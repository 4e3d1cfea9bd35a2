/**
 * PLACEHOLDER owned by the patch engineer (issue 5): a mail reply that quotes the patch lines
 * with findings (`> +…`) and puts the review comments under them. Until it lands it prints the
 * text format.
 */
import type { OutputFormat } from './format.ts';
import { textFormat } from './text.ts';

export const replyFormat: OutputFormat = {
  name: 'reply',
  description: 'review reply quoting the patch (placeholder: prints the text format)',
  render: (reports, summary, ctx) => textFormat.render(reports, summary, ctx),
};

/** Texts of the analysis notes (why it stayed quiet: `--verbose`, the server's trace), by message id. */
import type { NoteMessageId } from '../types.ts';
import { str, type MessageFn } from './message-fn.ts';

const quiet =
  (why: MessageFn): MessageFn =>
  (args) =>
    `${str(args.data, 'acquisition')}(): no missing-release reported: ${why(args)}`;

export const NOTE_MESSAGES: Readonly<Record<NoteMessageId, MessageFn>> = {
  probingOnly: quiet(() => 'no pages array (probing only)'),
  pagesNotUnderstood: quiet(() => 'pages argument not understood'),
  outlivesCall: quiet(({ data }) => `pages live in ${str(data, 'key')}, which outlives the call`),
  callersArray: quiet(({ data }) => `pages array ${str(data, 'key')} belongs to the caller`),
  resultReturned: quiet(() => 'the result is returned to the caller'),
  notAlwaysReference: quiet(({ data }) => `${str(data, 'acquisition')}() does not always take a reference`),
  resultNotTracked: quiet(() => 'result not tracked'),
  notInControlFlow: quiet(() => 'acquisition not placed in the control flow'),
  tooManyPaths: quiet(() => 'too many paths to follow'),
  handedOff: quiet(({ data }) => `pages handed off: ${str(data, 'handoffs')}`),
  fieldFilledElsewhere: ({ data }) =>
    `${str(data, 'release')}() of struct ${str(data, 'struct')}'s ${str(data, 'path')}: no acquisition in what was checked fills that field, so what it holds is not judged here (check the directory that fills it with this file)`,
  inputNote: ({ data }) => str(data, 'text'),
  caseNotMatched: ({ data, at }) =>
    `${str(data, 'helper')}() releases one way or the other per switch (${str(data, 'selector')}) case: not judged for the pages of ${str(data, 'acquisition')}()${at('acquisition') ? ` (${at('acquisition')})` : ''}, ${data.why === 'bothWays' ? `the helper's cases for the case they are taken under release both ways or not at all` : `they are not taken under a case of switch (${str(data, 'selector')})`}`,
  uncertainLeak: quiet(
    ({ atAll }) =>
      `possible leak at ${joinLines(atAll('leaks'))} not reported: it skips a release behind a condition that cannot be read`,
  ),
};

/** "line 12, 15" for ["line 12", "line 15"]; other labels as they are. */
function joinLines(labels: string[]): string {
  if (labels.length === 0) return 'a line not shown';
  if (labels.every((l) => l.startsWith('line '))) return `line ${labels.map((l) => l.slice(5)).join(', ')}`;
  return labels.join(', ');
}

/**
 * What a message template is: a function of a finding's plain data and of the labels of the places
 * it names. Rule files hold their templates in `meta.messages`; related locations and notes have
 * their own tables beside this file. Nothing here knows where a label's line number comes from:
 * the edge (CLI, language server, patch review) decides, see format-message.ts.
 */
import type { MessageData } from '../types.ts';

export interface MessageArgs {
  data: MessageData;
  /** "line 42" (or "drivers/x.c:42") for the place named `role`; undefined when it is not shown. */
  at: (role: string) => string | undefined;
  /** The labels of every place named `role` (a list role such as `leaks`). */
  atAll: (role: string) => string[];
}

export type MessageFn = (args: MessageArgs) => string;

/** `(line 42)` with a leading space, or nothing when the place is not shown. */
export function paren(label: string | undefined, extra = ''): string {
  return label ? ` (${label}${extra})` : '';
}

/** A data value as text (message tables read only what their rule wrote). */
export function str(data: MessageData, key: string): string {
  const v = data[key];
  return v === undefined ? '' : String(v);
}

/**
 * Turns structured findings, related locations and notes into the text a user reads. The one place
 * where "line N" is written: from the locations, through a label that the edge may replace (the
 * patch review names input lines; a location in another file is named file:line).
 */
import { ruleMeta } from '../rules/index.ts';
import type { Finding, Location, Locations, Note, RelatedLocation, Unshown } from '../types.ts';
import type { MessageArgs } from './message-fn.ts';
import { NOTE_MESSAGES } from './note-messages.ts';
import { RELATED_MESSAGES } from './related-messages.ts';

/** How a location is named in text; undefined leaves it out. */
export type LineLabel = (loc: Location) => string | undefined;

export const defaultLineLabel: LineLabel = (loc) =>
  loc.file ? `${loc.file}:${loc.range.start.line + 1}` : `line ${loc.range.start.line + 1}`;

function args(data: MessageArgs['data'], locations: Locations, label: LineLabel): MessageArgs {
  const one = (role: string) => {
    const l = locations[role];
    return l && !Array.isArray(l) ? label(l) : undefined;
  };
  const all = (role: string) => {
    const l = locations[role];
    const list = l === undefined ? [] : Array.isArray(l) ? l : [l];
    return list.flatMap((x) => label(x) ?? []);
  };
  return { data, at: one, atAll: all };
}

function unshownSuffix(u: Unshown | undefined): string {
  return u ? ` (${u.file}${u.line ? `:${u.line}` : ''}, not shown in the patch)` : '';
}

export function findingMessage(f: Finding, label: LineLabel = defaultLineLabel): string {
  const fn = ruleMeta(f.rule).messages[f.messageId];
  if (!fn) throw new Error(`rule ${f.rule} has no message ${f.messageId}`);
  return fn(args(f.data, f.locations, label)) + unshownSuffix(f.unshown);
}

export function relatedMessage(r: RelatedLocation, label: LineLabel = defaultLineLabel): string {
  return RELATED_MESSAGES[r.messageId](args(r.data, {}, label)) + unshownSuffix(r.unshown);
}

export function noteMessage(n: Note, label: LineLabel = defaultLineLabel): string {
  return NOTE_MESSAGES[n.messageId](args(n.data, n.locations, label));
}

/** Every location of a finding moved by `move` (a cached result shifted, a patch mapped back). */
export function mapLocations(locations: Locations, move: (l: Location) => Location | undefined): Locations {
  const out: Locations = {};
  for (const [role, l] of Object.entries(locations)) {
    if (Array.isArray(l)) out[role] = l.flatMap((x) => move(x) ?? []);
    else {
      const m = move(l);
      if (m) out[role] = m;
    }
  }
  return out;
}

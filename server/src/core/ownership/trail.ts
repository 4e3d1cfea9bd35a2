/**
 * Where one acquisition's pages go, from the same data flow the findings come from: the releases
 * its pairings reach (this function's paths, and other functions' releases of the struct field it
 * fills), the releases of that field in other files (the ownership index), where the analysis
 * saw them handed off or stayed quiet (its notes), and the findings that name it. Plain data, with
 * a file on every place that is not in the acquisition's file. Asked by `gup-review trace`, and by
 * the server's references and code lenses, so all three say what the diagnostics say.
 */
import { expectedReleaseClass, isRightRelease, type ReleaseClass } from '../api-table.ts';
import type { FileFacts } from '../facts/file-facts.ts';
import { fieldKeyText, memberOf } from '../matcher/fields.ts';
import { sameStart } from '../pairing-query.ts';
import type { ApiModel, CallRef, Finding, Location, Note, Pairing, Range } from '../types.ts';
import type { OwnershipIndex } from './ownership-index.ts';

export interface TrailRelease extends CallRef {
  cls: ReleaseClass;
  /** The right kind of release for these pages (undefined: undecidable). */
  right?: boolean;
  releasesWith?: string;
  /** For a helper: where in it its release is (`file` when the helper is in another file). */
  releasedAt?: Location;
  /** `flow`: reached on a path of the acquiring function or through the field in this file; `field`: the index. */
  via: 'flow' | 'field';
}

export interface Trail {
  acquisition: Pairing['acquisition'];
  /** The struct field the pages are stored in (`demo_dev::pages`), when known. */
  field?: string;
  releases: TrailRelease[];
  /** Why no leak is reported for it, when the analysis stayed quiet (hand-offs, unknown flow). */
  notes: Note[];
  /** Findings whose acquisition is this one (in this file). */
  findings: Finding[];
}

export interface TrailInput {
  model: ApiModel;
  pairings: readonly Pairing[];
  notes: readonly Note[];
  findings: readonly Finding[];
  facts?: FileFacts;
}

/**
 * The release of trail `t` (of file `home`) that is a call of the release helper defined in `file`
 * whose header names one of `names`: the helper hands the pages to a release of its own. A
 * same-file helper's place has no file (it is the trail's own).
 */
export function releaseThroughHelper(
  t: Trail,
  names: readonly string[],
  file: string,
  home: string,
): TrailRelease | undefined {
  return t.releases.find(
    (r) => names.includes(r.name) && r.releasedAt && (r.releasedAt.file ?? r.file ?? home) === file,
  );
}

/** How a release is judged for its pages: right, WRONG, or unknown (undecidable, or a field of mixed pages). */
export const verdictOf = (right: boolean | undefined) =>
  right === true ? 'right' : right === false ? 'WRONG' : 'unknown';

/** The trail of every acquisition of a file (`file`: its name in `index`). */
export function trailsOf(input: TrailInput, index?: OwnershipIndex, file?: string): Trail[] {
  const own = input.pairings.filter((p) => !p.acquisition.file);
  const heads: Pairing['acquisition'][] = [];
  for (const p of own)
    if (!heads.some((h) => sameStart(h.nameRange, p.acquisition.nameRange))) heads.push(p.acquisition);
  return heads
    .sort((a, b) => a.nameRange.start.line - b.nameRange.start.line)
    .map((acquisition) => trailOf(acquisition, input, index, file));
}

function trailOf(acq: Pairing['acquisition'], input: TrailInput, index?: OwnershipIndex, file?: string): Trail {
  const releases: TrailRelease[] = [];
  for (const p of input.pairings)
    if (!p.acquisition.file && sameStart(p.acquisition.nameRange, acq.nameRange))
      for (const r of p.releases)
        if (!releases.some((x) => !x.file && sameStart(x.nameRange, r.nameRange))) releases.push({ ...r, via: 'flow' });
  const event = input.facts?.fields.find((ev) => ev.event === 'acquire' && sameStart(ev.at.range, acq.nameRange));
  const field = event ? fieldKeyText(event.field) : undefined;
  if (field && index && file) {
    const expected = expectedReleaseClass(acq.family, input.model);
    // A field another file fills from elsewhere (kernel pages) holds both: its releases are not judged.
    const mixed =
      !!index.fieldsFor(file).get(field)?.otherSource || !!input.facts?.otherSources.includes(memberOf(field));
    for (const ev of index.fieldTrail(field, file)) {
      if (ev.event !== 'release' || ev.file === file || !ev.cls) continue;
      releases.push({
        name: ev.call,
        nameRange: ev.at.range,
        callRange: ev.callAt.range,
        functionName: ev.functionName,
        file: ev.file,
        cls: ev.cls,
        ...(expected && !mixed ? { right: isRightRelease(ev.cls, expected) } : {}),
        via: 'field',
      });
    }
  }
  const at = (l: unknown) =>
    !!l &&
    typeof l === 'object' &&
    'range' in l &&
    !('file' in l && l.file) &&
    sameStart((l as { range: Range }).range, acq.nameRange);
  return {
    acquisition: acq,
    ...(field ? { field } : {}),
    releases,
    notes: input.notes.filter((n) => at(n.locations.acquisition)),
    findings: input.findings.filter((f) => at(f.locations.acquisition) || sameStart(f.range, acq.nameRange)),
  };
}

/** "pinned · 2 releases · 1 wrong", "pinned · handed off", "takes references · no release": a code lens's words. */
export function trailSummary(t: Trail): string {
  const verb =
    t.acquisition.expected === 'ref' ? 'takes references' : t.acquisition.expected ? 'pinned' : 'pages taken';
  const parts = [verb];
  const n = t.releases.length;
  if (n) parts.push(`${n} release${n === 1 ? '' : 's'}`);
  const wrong = t.releases.filter((r) => r.right === false).length;
  if (wrong) parts.push(`${wrong} wrong`);
  const handed = t.notes.find((x) => x.messageId === 'handedOff' || x.messageId === 'outlivesCall');
  if (handed) parts.push(handed.messageId === 'handedOff' ? 'handed off' : `kept in ${String(handed.data.key)}`);
  else if (n === 0) parts.push('no release seen');
  if (t.findings.some((f) => f.rule === 'missing-release')) parts.push('leaks on a path');
  return parts.join(' · ');
}

/**
 * Pairings: each acquisition of a function with the releases its pages reach, as plain data
 * (names and ranges, no tree nodes). The one pairing engine: hover, document highlights and
 * references read these, so they say what the findings say. Built from a function's facts by
 * the unit driver (analyze-unit.ts) and cached with its findings.
 */
import type { CallRef, Pairing } from '../types.ts';
import type { Node } from '../parser.ts';
import type { FunctionFacts } from './function-facts.ts';
import { acquisitionRef, helperPlace, type AcquisitionRef, type ReleaseSite } from './sites.ts';
import { calleeRange, rangeOf } from './syntax.ts';
import { expectedReleaseClass, isRightRelease } from '../api-table.ts';
import type { ApiModel } from '../types.ts';

function callRef(call: Node, name: string, functionName: string): CallRef {
  return { name, nameRange: calleeRange(call), callRange: rangeOf(call), functionName };
}

function pairedAcquisition(a: AcquisitionRef, functionName: string, model: ApiModel): Pairing['acquisition'] {
  const expected = expectedReleaseClass(a.family, model);
  return {
    name: a.name,
    nameRange: a.range,
    callRange: a.callRange,
    functionName,
    ...(a.file ? { file: a.file } : {}),
    family: a.family,
    ...(expected ? { expected } : {}),
  };
}

/** The FOLL_* names an acquisition's arguments spell out (a flags variable names none). */
function flagsOf(call: Node): { flags?: string[] } {
  const flags = [...new Set(call.text.match(/\bFOLL_[A-Z_]+\b/g) ?? [])].sort();
  return flags.length ? { flags } : {};
}

function releaseRef(rel: ReleaseSite, expected: Pairing['acquisition']['expected'], fn: string) {
  return {
    ...callRef(rel.call, rel.kind.name, fn),
    cls: rel.kind.cls,
    ...(expected ? { right: isRightRelease(rel.kind.cls, expected) } : {}),
    ...(rel.kind.inner ? { releasesWith: rel.kind.spec.name, releasedAt: helperPlace(rel.kind.inner) } : {}),
  };
}

/**
 * The pairings of one function: its own acquisitions, then `fieldPartners`, its releases of struct
 * fields filled by an acquisition in another function (fields.ts fieldReleasesOf, its partners).
 */
export function pairingsOf(
  facts: FunctionFacts,
  model: ApiModel,
  fieldPartners: FunctionFacts['fieldReleases'],
): Pairing[] {
  const fn = facts.info.name;
  const out: Pairing[] = facts.acquisitions.map((af) => ({
    acquisition: { ...pairedAcquisition(acquisitionRef(af.site), fn, model), ...flagsOf(af.site.call) },
    releases: af.releases.flatMap((i) => {
      const rel = facts.releases[i];
      return rel ? [releaseRef(rel, af.expected, fn)] : [];
    }),
  }));
  for (const fr of fieldPartners) {
    const rel = facts.releases[fr.release];
    if (!rel) continue;
    const acquisition = pairedAcquisition(fr.acquisition, fr.functionName, model);
    out.push({ acquisition, releases: [releaseRef(rel, acquisition.expected, fn)] });
  }
  return out;
}

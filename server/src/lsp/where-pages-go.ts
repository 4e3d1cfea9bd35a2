/**
 * "Where do these pages go" in the editor, from the trails of core/ownership/trail.ts (the same
 * data flow as the diagnostics, never a name search): textDocument/references on an acquisition
 * lists its releases in every file of the module (and on a release, its acquisition and the
 * other releases); a code lens above each acquisition says "pinned · 2 releases · 1 wrong" or
 * "pinned · handed off", and runs gupReview.server.showTrail, which shows the trail as a message.
 * Positions here are the server's (UTF-16); server.ts converts them to the client's.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Location, Position } from 'vscode-languageserver';
import type { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { trailsOf, trailSummary, verdictOf, type Trail } from '../core/ownership/trail.ts';
import { rangeContains } from '../core/pairing-query.ts';
import type { Range } from '../core/types.ts';
import { toLspRange } from './convert.ts';
import type { DocumentAnalysis } from './diagnostics.ts';
import { SHOW_TRAIL_COMMAND } from './protocol.ts';

const contains = (r: Range, p: Position) => rangeContains(r, p.line, p.character);

export function documentTrails(analysis: DocumentAnalysis, index: OwnershipIndex, file: string | undefined): Trail[] {
  return trailsOf(
    {
      model: analysis.model.model,
      pairings: analysis.pairings,
      notes: analysis.notes ?? [],
      findings: analysis.findings,
      facts: analysis.facts,
    },
    index,
    file,
  );
}

/** The trail of the acquisition at `pos`, or of the acquisition a release at `pos` releases. */
export function trailAt(trails: readonly Trail[], pos: Position): Trail | undefined {
  return (
    trails.find((t) => contains(t.acquisition.nameRange, pos)) ??
    trails.find((t) => t.releases.some((r) => !r.file && contains(r.nameRange, pos)))
  );
}

export function references(
  analysis: DocumentAnalysis,
  index: OwnershipIndex,
  file: string | undefined,
  pos: Position,
  includeDeclaration: boolean,
): Location[] | null {
  const uri = analysis.uri;
  const at = (f: string | undefined, r: Range): Location => ({
    uri: f ? pathToFileURL(f).href : uri,
    range: toLspRange(r),
  });
  const trail = trailAt(documentTrails(analysis, index, file), pos);
  if (trail) {
    return [
      ...(includeDeclaration ? [at(undefined, trail.acquisition.nameRange)] : []),
      ...trail.releases.map((r) => at(r.file, r.nameRange)),
    ];
  }
  // A release here of a field another file fills: that acquisition, and the field's releases.
  const held = analysis.pairings.find((p) => p.acquisition.file && p.releases.some((r) => contains(r.nameRange, pos)));
  if (!held) return null;
  const acq = held.acquisition;
  const event = analysis.facts?.fields.find((ev) => ev.event === 'release' && contains(ev.at.range, pos));
  const key = event?.field.struct ? `${event.field.struct}::${event.field.path}` : undefined;
  const others = key
    ? index.fieldTrail(key, file ?? '').filter((ev) => ev.event === 'release' && ev.file !== file)
    : [];
  return [
    ...(includeDeclaration ? [at(acq.file, acq.nameRange)] : []),
    ...held.releases.map((r) => at(undefined, r.nameRange)),
    ...others.map((ev) => at(ev.file, ev.at.range)),
  ];
}

/** One lens above each acquisition, with what its trail says. */
export function codeLenses(analysis: DocumentAnalysis, index: OwnershipIndex, file: string | undefined): CodeLens[] {
  return documentTrails(analysis, index, file).map((t) => {
    const start = t.acquisition.nameRange.start;
    return {
      range: toLspRange(t.acquisition.nameRange),
      command: {
        title: trailSummary(t),
        command: SHOW_TRAIL_COMMAND,
        arguments: [analysis.uri, start.line, start.column],
      },
    };
  });
}

/** The trail as lines of text (the showTrail command's message). */
export function trailText(t: Trail, file: string | undefined): string {
  const name = (f: string | undefined) => path.basename(f ?? file ?? 'this file');
  const lines = [
    `${t.acquisition.name}() in ${t.acquisition.functionName}() (${name(undefined)}:${t.acquisition.nameRange.start.line + 1}): ${trailSummary(t)}`,
  ];
  for (const r of t.releases)
    lines.push(
      `${name(r.file)}:${r.nameRange.start.line + 1} ${r.name}() in ${r.functionName}(): ${verdictOf(r.right)}`,
    );
  return lines.join('\n');
}

/**
 * Reads a patch input (plain diff, format-patch output, an mbox of a series, a reply mail) into
 * patch messages whose every line maps back to the input: mbox split → MIME decoding → quote
 * layers → unified diff.
 */
import { parseUnifiedDiff, type FileDiff } from './diff-parse.ts';
import { parseMailMessage } from './mail-message.ts';
import { isMboxFromLine, splitMbox } from './mbox-split.ts';
import { quoteLayers } from './quote-layers.ts';
import { splitSourceLines, type SourceLine } from './source-line.ts';

export type PatchInputKind = 'diff' | 'mbox' | 'mail';

export interface PatchMessage {
  /** Index of the message in the input (0-based). */
  message: number;
  /** 0 for the patch itself, n for a patch quoted n deep in a reply. */
  depth: number;
  subject?: string;
  subjectLine?: number;
  /** `[PATCH v2 3/7]` → { n: 3, total: 7 }. */
  number?: { n: number; total: number };
  files: FileDiff[];
}

export interface PatchInput {
  kind: PatchInputKind;
  text: string;
  lines: SourceLine[];
  /** Unquoted patches, in series order ([PATCH n/m] when every one is numbered, else input order). */
  series: PatchMessage[];
  /** Patches quoted in replies (and diffs inline in a `Re:` mail): each is reviewed on its own. */
  quoted: PatchMessage[];
  /** Patches of older revisions (`[PATCH v1 …]` next to `[PATCH v2 …]`) left out of the series. */
  skippedOlderRevisions: number;
  /** Messages in the input (a cover letter or a reply without a patch counts too). */
  messageCount: number;
  /** Every decoded body line (after quoted-printable/base64), for whole-input questions. */
  decodedText: string;
  /** The bodies that were quoted-printable or base64, decoded, each line mapped to the input. */
  decodedBodies: SourceLine[][];
}

const PATCH_TAG_RE = /\[[^\]]*\bPATCH\b[^\]]*?(?:\s(\d+)\/(\d+))?\s*\]/i;

export function patchNumber(subject: string | undefined): { n: number; total: number } | undefined {
  const m = subject ? PATCH_TAG_RE.exec(subject) : null;
  return m && m[1] !== undefined ? { n: Number(m[1]), total: Number(m[2]) } : undefined;
}

/** `[PATCH v3 2/5]` → 3; no version tag → 1. */
export function patchVersion(subject: string | undefined): number {
  const tag = subject ? PATCH_TAG_RE.exec(subject) : null;
  const v = tag ? /\bv(\d+)\b/i.exec(tag[0]) : null;
  return v ? Number(v[1]) : 1;
}

export async function readPatchInput(text: string, kind: PatchInputKind): Promise<PatchInput> {
  const lines = splitSourceLines(text);
  const firstText = lines.find((l) => l.text.trim() !== '')?.text ?? '';
  const messages = kind === 'mbox' || isMboxFromLine(firstText) ? splitMbox(lines) : [lines];
  let series: PatchMessage[] = [];
  let skipped = 0;
  const quoted: PatchMessage[] = [];
  const decoded: string[] = [];
  const decodedBodies: SourceLine[][] = [];
  for (let m = 0; m < messages.length; m++) {
    const msgLines = messages[m]!;
    // A bare diff (no headers) comes back as one body, line for line.
    const mail = await parseMailMessage(msgLines);
    for (const body of mail.bodies) {
      for (const l of body) decoded.push(l.text);
      if (body.some((l) => !l.exact)) decodedBodies.push(body);
      for (const layer of quoteLayers(body)) {
        const files = parseUnifiedDiff(layer.lines, layer.depth > 0);
        if (files.length === 0) continue;
        const pm: PatchMessage = {
          message: m,
          depth: layer.depth,
          subject: mail.subject,
          subjectLine: mail.subjectLine,
          number: patchNumber(mail.subject),
          files,
        };
        // A diff inline in a reply ("something like this?") is not part of the series.
        const reply = /^\s*(?:re|aw|sv|antw):/i.test(mail.subject ?? '');
        (layer.depth === 0 && !reply ? series : quoted).push(pm);
      }
    }
  }
  // Several revisions of a series in one mbox (a whole thread): review the latest one, as b4 does.
  const versions = new Set(series.map((p) => patchVersion(p.subject)));
  if (versions.size > 1) {
    const latest = Math.max(...versions);
    skipped = series.filter((p) => patchVersion(p.subject) !== latest).length;
    series = series.filter((p) => patchVersion(p.subject) === latest);
  }
  if (series.length > 1 && series.every((p) => p.number)) {
    series.sort((a, b) => a.number!.n - b.number!.n || a.message - b.message);
  }
  return {
    kind,
    text,
    lines,
    series,
    quoted,
    messageCount: messages.length,
    decodedText: decoded.join('\n'),
    decodedBodies,
    skippedOlderRevisions: skipped,
  };
}

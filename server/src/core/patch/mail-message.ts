/**
 * One mail message → its headers and the text bodies a patch can be in, each line mapped back to
 * the original input. MIME decoding (quoted-printable, base64, charsets, attachments) is done by
 * postal-mime; the glue here finds the parts and maps decoded lines to encoded ones:
 * - 7bit/8bit bodies: line for line, columns exact;
 * - quoted-printable: a decoded line maps to the encoded line it starts on; columns are exact when
 *   that line has no escape and no soft break, otherwise a position maps to the whole line;
 * - base64: a decoded line maps to the encoded line that holds its first byte (57 bytes per
 *   76-character line); a position maps to that whole encoded line.
 * Headers (folded, repeated, encoded words, CRLF) are read by postal-mime too.
 */
import PostalMime from 'postal-mime';
import type { SourceLine } from './source-line.ts';

export interface MailMessage {
  /** Lower-case header name → unfolded value (first occurrence). */
  headers: Map<string, string>;
  subject?: string;
  /** The subject's header line in the input, when the message has one. */
  subjectLine?: number;
  /** Text bodies (the message body, or each text part of a multipart message). */
  bodies: SourceLine[][];
}

const HEADER_RE = /^([!-9;-~]+):[ \t]?(.*)$/;

/** Whether the lines start with RFC 5322 headers (as opposed to a bare diff). */
export function startsWithHeaders(lines: readonly SourceLine[]): boolean {
  const first = lines.find((l) => l.text.trim() !== '');
  if (!first || !HEADER_RE.test(first.text)) return false;
  return !/^(diff|index|---|\+\+\+|@@)/i.test(first.text);
}

/**
 * The header block: the lines up to the blank line. A line that starts with SP or HTAB folds
 * into the header above it, whatever that header is (archived mail repeats `Received:` and
 * folds every copy); a line that is neither a header nor a fold ends the block early (lenient:
 * the body starts there). The values are read by postal-mime (unfolding, encoded words,
 * repeated names), not here.
 */
function headerBlock(lines: readonly SourceLine[]): { end: number; bodyStart: number } {
  let i = 0;
  for (; i < lines.length; i++) {
    const t = lines[i]!.text;
    if (t === '') return { end: i, bodyStart: i + 1 };
    if (/^[ \t]/.test(t) && i > 0) continue;
    if (!HEADER_RE.test(t)) break;
  }
  return { end: i, bodyStart: i };
}

async function parseHeaders(lines: readonly SourceLine[]): Promise<{
  headers: Map<string, string>;
  subject?: string;
  subjectLine?: number;
  bodyStart: number;
}> {
  const { end, bodyStart } = headerBlock(lines);
  const block = lines.slice(0, end);
  const headers = new Map<string, string>();
  let subject: string | undefined;
  try {
    const email = await PostalMime.parse(cappedHeaders(block).join('\r\n') + '\r\n\r\n');
    for (const h of email.headers) if (!headers.has(h.key)) headers.set(h.key, h.value);
    subject = email.subject;
  } catch {
    // headers postal-mime cannot read: none (the body is still read as text)
  }
  const subjectLine = block.find((l) => /^subject:/i.test(l.text))?.line;
  return { headers, subject, subjectLine, bodyStart };
}

/**
 * Header lines as handed to postal-mime, capped: RFC 5322 allows 998 characters a line, and
 * postal-mime's parameter parsing allocates per parameter (a hostile 600 KB Content-Type line
 * took 200 ms and most of it in the garbage collector). Longer lines are cut, and a header
 * block stops at 256 KB; nothing a real mail says is lost.
 */
const MAX_HEADER_LINE = 4096;
const MAX_HEADER_BLOCK = 256 * 1024;
function cappedHeaders(lines: readonly SourceLine[]): string[] {
  const out: string[] = [];
  let total = 0;
  for (const l of lines) {
    const t = l.text.length > MAX_HEADER_LINE ? l.text.slice(0, MAX_HEADER_LINE) : l.text;
    total += t.length;
    if (total > MAX_HEADER_BLOCK) break;
    out.push(t);
  }
  return out;
}

function param(value: string | undefined, key: string): string | undefined {
  if (!value) return undefined;
  const m = new RegExp(`;\\s*${key}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

export async function parseMailMessage(lines: readonly SourceLine[]): Promise<MailMessage> {
  if (!startsWithHeaders(lines)) return { headers: new Map(), bodies: [lines.slice()] };
  const { headers, subject, subjectLine, bodyStart } = await parseHeaders(lines);
  const bodies = await partBodies(lines.slice(0, bodyStart), lines.slice(bodyStart), headers, 0);
  return { headers, subject, subjectLine, bodies };
}

const MAX_DEPTH = 8;

async function partBodies(
  headerLines: readonly SourceLine[],
  body: readonly SourceLine[],
  headers: Map<string, string>,
  depth: number,
): Promise<SourceLine[][]> {
  const ctype = headers.get('content-type') ?? 'text/plain';
  const mime = ctype.split(';')[0]!.trim().toLowerCase();
  if (mime.startsWith('multipart/')) {
    const boundary = param(ctype, 'boundary');
    if (!boundary || depth >= MAX_DEPTH) return [];
    const out: SourceLine[][] = [];
    let part: SourceLine[] | undefined;
    for (const l of body) {
      const t = l.text.trimEnd();
      if (t === `--${boundary}` || t === `--${boundary}--`) {
        if (part) out.push(...(await subPart(part, depth)));
        part = t.endsWith('--') && t !== `--${boundary}` ? undefined : [];
        if (t === `--${boundary}--`) break;
        continue;
      }
      part?.push(l);
    }
    if (part) out.push(...(await subPart(part, depth)));
    return out;
  }
  if (mime === 'message/rfc822') return subPart(body, depth);
  const filename = param(headers.get('content-disposition'), 'filename') ?? param(ctype, 'name') ?? '';
  const textual = mime.startsWith('text/') || /(?:patch|diff)$/.test(mime) || /\.(patch|diff)$/i.test(filename);
  if (!textual || mime === 'text/html') return [];
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  if (cte !== 'quoted-printable' && cte !== 'base64') return [body.slice()];
  const decoded = await decodePart(headerLines, body, mime, param(ctype, 'charset'));
  if (decoded === undefined) return [];
  const dlines = decoded.split('\n');
  if (dlines.length > 1 && dlines[dlines.length - 1] === '') dlines.pop();
  const clean = dlines.map((t) => (t.endsWith('\r') ? t.slice(0, -1) : t));
  return [
    cte === 'base64'
      ? mapBase64(
          body,
          clean,
          dlines.map((t) => t.endsWith('\r')),
        )
      : mapQuotedPrintable(body, clean),
  ];
}

async function subPart(lines: readonly SourceLine[], depth: number): Promise<SourceLine[][]> {
  const { headers, bodyStart } = await parseHeaders(lines);
  return partBodies(lines.slice(0, bodyStart), lines.slice(bodyStart), headers, depth + 1);
}

/** Decodes one single-part entity (its own headers + body) with postal-mime. */
async function decodePart(
  headerLines: readonly SourceLine[],
  body: readonly SourceLine[],
  mime: string,
  charset: string | undefined,
): Promise<string | undefined> {
  const raw =
    [...cappedHeaders(headerLines.filter((l) => l.text !== '')), '', ...body.map((l) => l.text)].join('\r\n') + '\r\n';
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(raw);
  } catch {
    return undefined; // a part postal-mime cannot read is left out, not fatal
  }
  if (mime === 'text/plain' && typeof email.text === 'string' && email.attachments.length === 0) return email.text;
  const att = email.attachments[0];
  if (att) {
    const content = att.content;
    if (typeof content === 'string') return content;
    try {
      return new TextDecoder(charset ?? 'utf-8').decode(content);
    } catch {
      return new TextDecoder('utf-8').decode(content);
    }
  }
  return email.text ?? undefined;
}

function mapQuotedPrintable(encoded: readonly SourceLine[], decoded: readonly string[]): SourceLine[] {
  const out: SourceLine[] = [];
  let i = 0;
  for (const text of decoded) {
    const start = encoded[Math.min(i, encoded.length - 1)];
    if (!start) break;
    let soft = false;
    while (i < encoded.length && encoded[i]!.text.endsWith('=')) {
      i++;
      soft = true;
    }
    i++;
    const exact = !soft && start.exact && start.text === text;
    out.push({ text, line: start.line, column: start.column, exact });
  }
  return out;
}

function mapBase64(
  encoded: readonly SourceLine[],
  decoded: readonly string[],
  hadCr: readonly boolean[],
): SourceLine[] {
  const chunks = encoded.map((l) => l.text.replace(/[^A-Za-z0-9+/=]/g, ''));
  const cumulative: number[] = [];
  let total = 0;
  for (const c of chunks) {
    cumulative.push(total);
    total += c.length;
  }
  const lineAtChar = (ch: number): SourceLine => {
    let lo = 0;
    let hi = encoded.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cumulative[mid]! <= ch) lo = mid;
      else hi = mid - 1;
    }
    return encoded[lo]!;
  };
  const out: SourceLine[] = [];
  let byteOffset = 0;
  const enc = new TextEncoder();
  decoded.forEach((text, k) => {
    const at = lineAtChar(Math.floor(byteOffset / 3) * 4);
    out.push({ text, line: at.line, column: at.column, exact: false });
    byteOffset += enc.encode(text).length + (hadCr[k] ? 2 : 1);
  });
  return out;
}

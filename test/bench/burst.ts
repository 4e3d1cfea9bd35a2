/**
 * Bursts: typing faster than the server analyses. On mm/gup.c of the kernel tree, over stdio:
 *   - baseline, same session: one isolated keystroke → its diagnostics (median of 30);
 *   - bursts of 100 single-character didChange sent back to back, both as one write (every edit
 *     queued in the server at once) and as one write per edit (as a client sends them): the delay
 *     from the last edit sent to the diagnostics of the last version, as a ratio to one keystroke
 *     (goal ≤ 3), and the analyses per burst, counted as publishDiagnostics of the document
 *     (push mode publishes once per analysis; goal 1), and whether the versions published were in order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { LspSession } from '../lsp/lsp-harness.ts';
import { median, type BenchSection } from './section.ts';

const BURST = 100;
const BURSTS = 5;

/** `n` single-space inserts at the start of one line inside a function near the middle of the file. */
function typingAt(text: string, n: number): TextDocumentContentChangeEvent[][] {
  const lines = text.split('\n');
  let line = Math.floor(lines.length / 2);
  while (line < lines.length && !/^\t\S/.test(lines[line]!)) line++;
  const at = { line, character: 0 };
  return Array.from({ length: n }, () => [{ range: { start: at, end: at }, text: ' ' }]);
}

interface BurstFigures {
  delayMs: number;
  analyses: number;
  inOrder: boolean;
}

async function oneBurst(s: LspSession, uri: string, singleWrite: boolean): Promise<BurstFigures> {
  const edits = typingAt(s.text(uri), BURST);
  const first = s.publishLog.length;
  let last: number;
  if (singleWrite) last = s.changeBurst(uri, edits);
  else {
    last = 0;
    for (const e of edits) last = s.change(uri, e);
  }
  const sent = performance.now();
  await s.diagnosticsFor(uri, 120_000);
  const done = performance.now();
  const mine = s.publishLog.slice(first).filter((p) => p.uri === uri);
  const versions = mine.map((p) => p.version ?? 0);
  return {
    delayMs: done - sent,
    analyses: mine.length,
    inOrder: versions.every((v, i) => i === 0 || v > versions[i - 1]!) && versions.at(-1) === last,
  };
}

export const burstSection: BenchSection = {
  name: 'burst',
  async run({ kernel, log }) {
    const file = path.join(kernel, 'mm', 'gup.c');
    const text = fs.readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    const s = await LspSession.start({ workspaceFolders: [pathToFileURL(kernel).href] });
    try {
      s.open(uri, text);
      await s.diagnosticsFor(uri, 60_000);
      const single: number[] = [];
      for (const e of typingAt(text, 40)) {
        const t = performance.now();
        s.change(uri, e);
        await s.diagnosticsFor(uri, 10_000);
        single.push(performance.now() - t);
      }
      const keystroke = median(single.slice(10)); // the first ones warm up the JIT
      const rows: Record<'one write' | 'one write per edit', BurstFigures[]> = {
        'one write': [],
        'one write per edit': [],
      };
      for (let b = 0; b < BURSTS; b++) {
        rows['one write'].push(await oneBurst(s, uri, true));
        rows['one write per edit'].push(await oneBurst(s, uri, false));
      }
      log(`mm/gup.c over stdio; one isolated keystroke → diagnostics: ${keystroke.toFixed(1)} ms (median of 30)`);
      for (const [how, figures] of Object.entries(rows)) {
        const delay = median(figures.map((f) => f.delayMs));
        const analyses = median(figures.map((f) => f.analyses));
        const ratio = delay / keystroke;
        const ordered = figures.every((f) => f.inOrder);
        log(
          `  burst of ${BURST} edits, ${how} (median of ${BURSTS}): final diagnostics ${delay.toFixed(1)} ms after the last edit ` +
            `= ${ratio.toFixed(2)} keystrokes (goal ≤ 3: ${ratio <= 3 ? 'ok' : 'MISSED'}); ` +
            `analyses per burst ${analyses} [${figures.map((f) => f.analyses).join(', ')}] (goal 1: ${analyses === 1 ? 'ok' : 'MISSED'}); ` +
            `versions published in order: ${ordered ? 'yes' : 'NO'}`,
        );
      }
    } finally {
      await s.stop();
    }
  },
};

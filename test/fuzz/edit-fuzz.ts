/**
 * Edit fuzzing of the real language server (`node dist/server.js --stdio`): random incremental
 * didChange edits to kernel-style C files, with random hover / code action / highlight requests in
 * between. At each checkpoint the diagnostics the server published for the current version must be
 * identical (ranges, severities, codes, messages, related locations) to those a second server
 * publishes when it opens the same text fresh. No crash, no error response, no failure logged, and
 * the server's resident memory stays under a bound.
 *
 * Used by edit-fuzz.test.ts (short run, fixed seed) and run-fuzz.ts (`npm run fuzz`, long run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspSession, positionOf, ROOT, withTimeout } from '../lsp/lsp-harness.ts';
import { randomSteps, type EditStep } from './edit-generator.ts';
import { seededRandom } from './random.ts';

export interface EditFuzzOptions {
  seed: number;
  /** didChange notifications to send (a typed word counts one per character). */
  edits: number;
  /** Compare with a fresh server every this many edits (and after the last). */
  checkpointEvery: number;
  /** How many files are edited side by side (round robin at random). */
  files?: number;
  /** Growth of the fuzzed server's VmRSS allowed between the first and the last checkpoint. */
  maxRssGrowthMb?: number;
  /** Per-checkpoint wait for diagnostics. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface EditFuzzReport {
  seed: number;
  edits: number;
  checkpoints: number;
  requests: number;
  diagnosticsCompared: number;
  /** VmRSS of the fuzzed server (kB) after the first and the last checkpoint. */
  rssFirstKb: number;
  rssLastKb: number;
  files: string[];
}

/**
 * The C corpus: examples/*.c and test/fixtures/c/*.c, plus the files listed in FUZZ_EXTRA
 * (colon-separated; e.g. real kernel files for a local run, never committed).
 */
export function corpusFiles(): string[] {
  const dirs = [path.join(ROOT, 'examples'), path.join(ROOT, 'test', 'fixtures', 'c')];
  const own = dirs.flatMap((d) =>
    fs.existsSync(d)
      ? fs
          .readdirSync(d)
          .filter((f) => f.endsWith('.c'))
          .sort()
          .map((f) => path.join(d, f))
      : [],
  );
  const extra = (process.env.FUZZ_EXTRA ?? '').split(':').filter((f) => f !== '');
  return [...own, ...extra];
}

export function vmRssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** What must match between the fuzzed and the fresh server, as comparable strings. */
export function diagnosticKeys(diags: readonly Diagnostic[]): string[] {
  return diags
    .map((d) =>
      JSON.stringify({
        range: d.range,
        severity: d.severity,
        code: d.code,
        source: d.source,
        message: d.message,
        related: (d.relatedInformation ?? []).map((r) => ({ range: r.location.range, message: r.message })),
      }),
    )
    .sort();
}

export class EditFuzzFailure extends Error {
  constructor(
    readonly seed: number,
    readonly edit: number,
    message: string,
    /** The text at the failure, for a reproducer. */
    readonly text?: string,
    /** Every didChange sent to the failing run's documents: uri, then its changes. */
    readonly history?: ReadonlyArray<{ uri: string; initial?: string; changes?: unknown[] }>,
  ) {
    super(`edit fuzz failed (seed ${seed}, edit ${edit}): ${message}\n  reproduce: FUZZ_SEED=${seed} npm run fuzz`);
  }
}

/** Resolves once `s` has published nothing for a while (its re-analyses after a change are done). */
async function settled(s: LspSession, quietMs = 200, maxWaitMs = 10_000): Promise<void> {
  for (let waited = 0; waited < maxWaitMs; waited += quietMs) {
    const seen = s.publishLog.length;
    await new Promise((r) => setTimeout(r, quietMs));
    if (s.publishLog.length === seen) return;
  }
}

export async function runEditFuzz(options: EditFuzzOptions): Promise<EditFuzzReport> {
  const { seed, edits, checkpointEvery } = options;
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 30_000;
  const rnd = seededRandom(seed);
  const corpus = corpusFiles();
  if (corpus.length === 0) throw new Error('no C corpus under examples/ or test/fixtures/c/');
  const chosen: string[] = [];
  for (let n = options.files ?? 3; n > 0; n--) chosen.push(rnd.pick(corpus));
  // URIs in a directory with no kernel tree, the same for both servers (the `auto` model reads the path).
  const uris = chosen.map((f, i) => `file:///gup-review-fuzz/${i}-${path.basename(f)}`);

  const fuzzed = await LspSession.start();
  const fresh = await LspSession.start();
  const report: EditFuzzReport = {
    seed,
    edits: 0,
    checkpoints: 0,
    requests: 0,
    diagnosticsCompared: 0,
    rssFirstKb: 0,
    rssLastKb: 0,
    files: chosen.map((f) => path.relative(ROOT, f)),
  };
  const history: Array<{ uri: string; initial?: string; changes?: unknown[] }> = [];
  const fail = (message: string, text?: string): never => {
    throw new EditFuzzFailure(seed, report.edits, message, text, history);
  };
  const checkAlive = (): void => {
    if (fuzzed.exited !== null) fail(`server exited with code ${fuzzed.exited}; stderr: ${fuzzed.stderr.slice(-2000)}`);
    const failedLog = fuzzed.logs.find((l) => /failed|error/i.test(l));
    if (failedLog) fail(`server logged a failure: ${failedLog.slice(0, 2000)}`);
  };

  const checkpoint = async (): Promise<void> => {
    const texts = new Map(uris.map((uri) => [uri, fuzzed.text(uri)]));
    for (const uri of uris) {
      try {
        await fuzzed.diagnosticsFor(uri, timeoutMs);
      } catch (e) {
        checkAlive();
        return fail(`no diagnostics for ${uri} v${fuzzed.version(uri)}: ${(e as Error).message}`, texts.get(uri));
      }
    }
    // The documents are one module (one directory): the ownership index links them, and a change
    // in one re-analyses the others a moment later. Both servers are read once that has settled,
    // and the fresh one sees the same documents together.
    await settled(fuzzed);
    const got = new Map(uris.map((uri) => [uri, fuzzed.diagnostics.get(uri)?.diagnostics ?? []]));
    for (const uri of uris) fresh.open(uri, texts.get(uri)!);
    const want = new Map<string, Diagnostic[]>();
    try {
      for (const uri of uris) await fresh.diagnosticsFor(uri, timeoutMs);
      await settled(fresh);
      for (const uri of uris) want.set(uri, fresh.diagnostics.get(uri)?.diagnostics ?? []);
    } finally {
      for (const uri of uris) fresh.close(uri);
    }
    for (const uri of uris) {
      const a = diagnosticKeys(got.get(uri)!);
      const b = diagnosticKeys(want.get(uri)!);
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        const onlyEdited = a.filter((k) => !b.includes(k));
        const onlyFresh = b.filter((k) => !a.includes(k));
        fail(
          `diagnostics of ${uri} differ from a fresh open of the same texts:\n    after edits only: ${onlyEdited.join('\n      ') || '-'}\n    fresh only: ${onlyFresh.join('\n      ') || '-'}`,
          texts.get(uri),
        );
      }
      report.diagnosticsCompared += a.length;
    }
    checkAlive();
    const rss = vmRssKb(fuzzed.proc.pid!);
    if (report.checkpoints === 0) report.rssFirstKb = rss;
    report.rssLastKb = rss;
    report.checkpoints++;
    log(
      `checkpoint ${report.checkpoints}: ${report.edits} edits, ${report.diagnosticsCompared} diagnostics compared, VmRSS ${Math.round(rss / 1024)} MB`,
    );
  };

  /** A random read-only request; any error response is a failure. */
  const randomRequest = async (): Promise<void> => {
    const uri = rnd.pick(uris);
    const text = fuzzed.text(uri);
    const pos = positionOf(text, safeRequestOffset(text, rnd.int(text.length + 1)));
    const method = rnd.pick([
      'textDocument/hover',
      'textDocument/codeAction',
      'textDocument/documentHighlight',
      'gupReview/getStatus',
      'gupReview/decode',
    ]);
    const params =
      method === 'gupReview/getStatus'
        ? { uri }
        : method === 'gupReview/decode'
          ? { uri, text: text.slice(Math.max(0, text.length - rnd.int(text.length + 1)), text.length).slice(0, 40) }
          : method === 'textDocument/codeAction'
            ? {
                textDocument: { uri },
                range: { start: pos, end: pos },
                context: { diagnostics: fuzzed.diagnostics.get(uri)?.diagnostics ?? [] },
              }
            : { textDocument: { uri }, position: pos };
    report.requests++;
    try {
      await withTimeout(fuzzed.conn.sendRequest(method, params), timeoutMs);
    } catch (e) {
      checkAlive();
      // Decoding junk is a user mistake and answers InvalidParams with the reason; anything else fails.
      if (method === 'gupReview/decode' && (e as { code?: number }).code === -32602) return;
      fail(`${method} at ${pos.line}:${pos.character} of ${uri} answered an error: ${(e as Error).message}`, text);
    }
  };

  try {
    for (let i = 0; i < uris.length; i++) {
      const initial = fs.readFileSync(chosen[i]!, 'utf8');
      history.push({ uri: uris[i]!, initial });
      fuzzed.open(uris[i]!, initial);
    }
    await checkpoint();
    let sinceCheckpoint = 0;
    while (report.edits < edits) {
      const uri = rnd.pick(uris);
      // Random edits wear a file down to junk with no findings; now and then the whole text is
      // replaced (still one ranged change) by a corpus file, so findings keep appearing.
      const current = fuzzed.text(uri);
      const steps: EditStep[] = rnd.chance(0.04)
        ? [[{ start: 0, end: current.length, text: fs.readFileSync(rnd.pick(corpus), 'utf8') }]]
        : randomSteps(rnd, current);
      for (const step of steps) {
        if (report.edits >= edits) break;
        let t = fuzzed.text(uri);
        const changes = step.map((e) => {
          const change = { range: { start: positionOf(t, e.start), end: positionOf(t, e.end) }, text: e.text };
          t = t.slice(0, e.start) + e.text + t.slice(e.end);
          return change;
        });
        fuzzed.change(uri, changes);
        history.push({ uri, changes });
        if (fuzzed.text(uri) !== t) fail('harness and generator disagree on the text (generator bug)');
        report.edits++;
        sinceCheckpoint++;
      }
      if (rnd.chance(0.1)) await randomRequest();
      // Let the server drain now and then, so some analyses run mid-burst.
      if (rnd.chance(0.05)) await fuzzed.diagnosticsFor(uri, timeoutMs).catch(() => undefined);
      if (sinceCheckpoint >= checkpointEvery) {
        sinceCheckpoint = 0;
        await checkpoint();
      }
    }
    if (sinceCheckpoint > 0) await checkpoint();
    const growthMb = (report.rssLastKb - report.rssFirstKb) / 1024;
    const maxGrowth = options.maxRssGrowthMb ?? 200;
    if (growthMb > maxGrowth) fail(`server VmRSS grew by ${growthMb.toFixed(0)} MB (bound ${maxGrowth} MB)`);
    return report;
  } finally {
    await fuzzed.stop();
    await fresh.stop();
  }
}

/** Request positions: never inside a surrogate pair or a CRLF either. */
function safeRequestOffset(text: string, offset: number): number {
  let o = offset;
  while (o > 0 && o < text.length && ((text.charCodeAt(o - 1) & 0xfc00) === 0xd800 || text.charCodeAt(o - 1) === 13))
    o--;
  return o;
}

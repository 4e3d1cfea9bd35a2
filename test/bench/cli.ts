/**
 * The CLI over the whole tree, against `grep -rlE` for the GUP names over the same tree, in the
 * same run (interleaved, medians), in both API models: wall time, ratio to grep, files/s, peak
 * RSS (/usr/bin/time -v), findings per rule; focused parsing checked against whole-file parsing;
 * and mm/gup.c alone (the CLI, and in-process: the analysis and one full parse).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFocused } from '../../server/src/project/analyze-source.ts';
import { decideFileModel } from '../../server/src/project/api-model.ts';
import { collectInputs } from '../../server/src/project/walk.ts';
import { analyzeText } from '../../server/src/project/analyze-source.ts';
import { createCParser, parseKernelC } from '../../server/src/core/parser.ts';
import { median, type BenchContext, type BenchSection } from './section.ts';

const GREP_PATTERN = 'get_user_pages|pin_user_pages|get_user_page_fast';
const TIME = '/usr/bin/time';

interface Timed {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
  peakRssMb?: number;
  /** user + system CPU seconds of the process and its threads (from /usr/bin/time). */
  cpuSeconds?: number;
}

function timed(cmd: string, args: string[], cwd?: string): Timed {
  const useTime = fs.existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(useTime ? TIME : cmd, useTime ? ['-v', cmd, ...args] : args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  let stderr = r.stderr;
  let peakRssMb: number | undefined;
  let cpuSeconds: number | undefined;
  if (useTime) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    if (m) peakRssMb = Number(m[1]) / 1024;
    const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
    if (user && sys) cpuSeconds = Number(user[1]) + Number(sys[1]);
    stderr = stderr
      .replace(/\tCommand being timed:[\s\S]*$/, '')
      .replace(/Command exited with non-zero status \d+\n/, '');
  }
  return {
    seconds,
    code: r.status,
    stdout: r.stdout,
    stderr,
    ...(peakRssMb !== undefined ? { peakRssMb } : {}),
    ...(cpuSeconds !== undefined ? { cpuSeconds } : {}),
  };
}

function perRule(json: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of (JSON.parse(json) as { findings: Array<{ rule: string }> }).findings)
    counts[f.rule] = (counts[f.rule] ?? 0) + 1;
  return counts;
}

function fmtRules(c: Record<string, number>): string {
  const keys = Object.keys(c).sort();
  return keys.length ? keys.map((k) => `${k} ${c[k]}`).join(', ') : 'none';
}

async function inProcessMs(runs: number, f: () => Promise<unknown> | unknown): Promise<number> {
  await f(); // warm
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export const cliSection: BenchSection = {
  name: 'cli',
  async run({ kernel, repo, log }: BenchContext) {
    const cli = path.join(repo, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: npm run build');
    const node = process.execPath;
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

    const t0 = performance.now();
    const { inputs } = collectInputs([kernel]);
    const bytes = inputs.reduce((n, i) => n + fs.statSync(i.path).size, 0);
    log(
      `tree: ${inputs.length} .c/.h files, ${(bytes / 1e9).toFixed(2)} GB (walk + stat in ${((performance.now() - t0) / 1000).toFixed(2)} s)`,
    );

    log('warming the page cache (one untimed grep)');
    timed('grep', ['-rlE', GREP_PATTERN, kernel]);

    const grepRuns: Timed[] = [];
    const checkRuns: Record<'unpin_user_page' | 'put_user_page', Timed[]> = { unpin_user_page: [], put_user_page: [] };
    const singleRuns: Timed[] = [];
    const inventoryRuns: Timed[] = [];
    for (let round = 0; round < rounds; round++) {
      grepRuns.push(timed('grep', ['-rlE', GREP_PATTERN, kernel]));
      for (const api of ['unpin_user_page', 'put_user_page'] as const) {
        checkRuns[api].push(timed(node, [cli, 'check', '--format', 'json', '--api', api, kernel]));
      }
      singleRuns.push(
        timed(node, [cli, 'check', '--format', 'json', '--jobs', '1', '--api', 'unpin_user_page', kernel]),
      );
      inventoryRuns.push(timed(node, [cli, 'inventory', '--format', 'json', '--api', 'unpin_user_page', kernel]));
    }
    const grepS = median(grepRuns.map((r) => r.seconds));
    const grepFiles = grepRuns[0]!.stdout.split('\n').filter(Boolean).length;
    const cpu = (runs: Timed[]) => {
      const xs = runs.map((r) => r.cpuSeconds).filter((x): x is number => x !== undefined);
      return xs.length ? median(xs) : undefined;
    };
    const grepCpu = cpu(grepRuns);
    log(
      `\n| run | median wall s (of ${rounds}) | × grep | CPU s (user+sys) | CPU × grep | files/s | peak RSS MB | exit | findings |`,
    );
    log('|---|---|---|---|---|---|---|---|---|');
    log(
      `| grep -rlE '${GREP_PATTERN}' (${grepFiles} files match) | ${grepS.toFixed(2)} | 1.00 | ${grepCpu?.toFixed(2) ?? 'n/a'} | 1.00 | ${Math.round(inputs.length / grepS)}¹ | ${grepRuns[0]!.peakRssMb?.toFixed(0) ?? 'n/a'} | ${grepRuns[0]!.code} | |`,
    );
    const rulesPerModel: Record<string, Record<string, number>> = {};
    const row = (label: string, runs: Timed[]) => {
      const s = median(runs.map((r) => r.seconds));
      const c = cpu(runs);
      const rss = Math.max(...runs.map((r) => r.peakRssMb ?? 0));
      const last = runs.at(-1)!;
      const total = Object.values(perRule(last.stdout)).reduce((a, b) => a + b, 0);
      log(
        `| ${label} | ${s.toFixed(2)} | ${(s / grepS).toFixed(2)} | ${c?.toFixed(2) ?? 'n/a'} | ${c && grepCpu ? (c / grepCpu).toFixed(2) : 'n/a'} | ` +
          `${Math.round(inputs.length / s)} | ${rss ? rss.toFixed(0) : 'n/a'} | ${last.code} | ${total} |`,
      );
    };
    for (const api of ['unpin_user_page', 'put_user_page'] as const) {
      rulesPerModel[api] = perRule(checkRuns[api].at(-1)!.stdout);
      row(`gup-review check --api ${api}`, checkRuns[api]);
    }
    row('gup-review check --api unpin_user_page --jobs 1', singleRuns);
    {
      // The inventory is check's run plus the trails: goal ≤ 1.5× check in the same run.
      const inv = median(inventoryRuns.map((r) => r.seconds));
      const chk = median(checkRuns.unpin_user_page.map((r) => r.seconds));
      const sites = (JSON.parse(inventoryRuns.at(-1)!.stdout) as { sites: unknown[] }).sites.length;
      log(
        `| gup-review inventory --api unpin_user_page (${sites} sites) | ${inv.toFixed(2)} | ${(inv / grepS).toFixed(2)} | ${cpu(inventoryRuns)?.toFixed(2) ?? 'n/a'} | ` +
          `${(cpu(inventoryRuns) ?? 0) && grepCpu ? ((cpu(inventoryRuns) ?? 0) / grepCpu).toFixed(2) : 'n/a'} | ${Math.round(inputs.length / inv)} | ` +
          `${Math.max(...inventoryRuns.map((r) => r.peakRssMb ?? 0)).toFixed(0)} | ${inventoryRuns.at(-1)!.code} | |`,
      );
      log(`\ninventory ÷ check (unpin_user_page), median wall: ${(inv / chk).toFixed(2)} (goal ≤ 1.5)`);
    }
    log('\n¹ grep reads every file of the tree (not only .c/.h); files/s counts the .c/.h files for both.');
    log(
      'CPU time does not depend on what else the machine runs as much as wall time does; wall ≈ CPU / cores on an idle machine.',
    );
    for (const api of ['unpin_user_page', 'put_user_page'] as const) {
      log(`findings per rule (${api}): ${fmtRules(rulesPerModel[api]!)}`);
      const errs = checkRuns[api].at(-1)!.stderr.trim();
      if (errs) log(`  stderr (${api}): ${errs.split('\n').length} lines, first: ${errs.split('\n')[0]}`);
    }

    // Focused parsing must not change findings: one whole-file-parse run per model.
    for (const api of ['unpin_user_page', 'put_user_page'] as const) {
      const full = timed(node, [cli, 'check', '--format', 'json', '--full-parse', '--api', api, kernel]);
      const same = full.stdout === checkRuns[api].at(-1)!.stdout;
      log(
        `whole-file parsing (--full-parse, ${api}): ${full.seconds.toFixed(2)} s, findings ${same ? 'identical to the focused run' : 'DIFFER from the focused run'}`,
      );
    }

    // mm/gup.c alone.
    const gup = path.join(kernel, 'mm', 'gup.c');
    const gupCli = median(
      Array.from({ length: 5 }, () => timed(node, [cli, 'check', '--format', 'json', gup]).seconds),
    );
    const text = fs.readFileSync(gup, 'utf8');
    const parser = await createCParser();
    const parseMs = await inProcessMs(10, () => parseKernelC(parser, text).delete());
    const focusedMs = await inProcessMs(10, () => analyzeFocused(text, { model: decideFileModel('auto', text, gup) }));
    const wholeMs = await inProcessMs(10, () => analyzeText(text, { model: decideFileModel('auto', text, gup) }));
    log(
      `\nmm/gup.c (${(text.length / 1024).toFixed(0)} KB): CLI ${(gupCli * 1000).toFixed(0)} ms wall (node start, wasm load, parse, analysis); ` +
        `in process: one full parse ${parseMs.toFixed(1)} ms, analysis ${focusedMs.toFixed(1)} ms focused / ${wholeMs.toFixed(1)} ms whole-file (medians of 10, warm)`,
    );
    parser.delete();
  },
};

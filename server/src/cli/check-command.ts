/**
 * `gup-review check`: collect the inputs, check them (inline for small runs, on a worker pool
 * for big ones), print the chosen format on stdout and input errors on stderr, and return the
 * exit code (0 no findings, 1 findings, 2 an input or usage error).
 */
import { noteMessage } from '../core/messages/format-message.ts';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isRuleId, SEVERITIES } from '../core/rules/index.ts';
import type { ApiModelSetting, RuleId, Severity } from '../core/types.ts';
import {
  checkStdinText,
  decodeSource,
  type CheckFileResult,
  type CheckMode,
  type CheckRunOptions,
} from './check-file.ts';
import { collectInputs } from '../project/walk.ts';
import { errorLine, UsageError } from './errors.ts';
import { findFormat, type CheckSummary, type FileReport, type FormatContext } from './formats/index.ts';
import { plural, summaryLine } from './formats/text.ts';
import { TOOL_VERSION } from './package-info.ts';
import type { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { ownershipPass, type RunPass } from './ownership-pass.ts';
import { runHere, WorkerPool } from './worker-pool.ts';

export interface CheckCommandOptions {
  api: string;
  format: string;
  fix?: boolean;
  diff?: boolean;
  rule: string[];
  verbose?: boolean;
  tree?: string;
  jobs?: string;
  fullParse?: boolean;
  maxFileSize?: string;
}

/** Default of --max-file-size: the largest .c file of Linux 6.1 is 1.7 MB. */
export const DEFAULT_MAX_FILE_SIZE = '4M';

/** `--max-file-size` value: bytes, or a number with K, M or G (powers of 1024); 0 = no limit. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--max-file-size expects a size such as 4M, 512K or 1000000, not '${value}'`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

/** Below this many inputs, starting threads costs more than it saves. */
const POOL_THRESHOLD = 400;

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Buffer;
  color: boolean;
  cwd: string;
}

/** `--rule ID=SEVERITY` values → overrides. */
export function parseRuleOverrides(values: readonly string[]): Partial<Record<RuleId, Severity>> {
  const out: Partial<Record<RuleId, Severity>> = {};
  for (const v of values) {
    const m = /^([\w-]+)=(\w+)$/.exec(v.trim());
    if (!m) throw new UsageError(`--rule expects ID=SEVERITY (e.g. batch-release=off), not '${v}'`);
    const [, id, sev] = m;
    if (!isRuleId(id!)) throw new UsageError(`unknown rule '${id}' in --rule`);
    if (!(SEVERITIES as readonly string[]).includes(sev!)) {
      throw new UsageError(`unknown severity '${sev}' in --rule (one of ${SEVERITIES.join(', ')})`);
    }
    out[id] = sev as Severity;
  }
  return out;
}

function parseJobs(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) throw new UsageError(`--jobs expects a number of threads, not '${value}'`);
  return Number(value);
}

export async function runCheck(paths: readonly string[], opts: CheckCommandOptions, io: CommandIo): Promise<number> {
  const format = findFormat(opts.format);
  if (!format) throw new UsageError(`unknown format '${opts.format}'`);
  if (opts.fix && opts.diff) throw new UsageError('--fix and --diff cannot be used together');
  const mode: CheckMode = opts.fix ? 'fix' : opts.diff ? 'diff' : 'report';
  if (opts.tree !== undefined) {
    let isDir = false;
    try {
      isDir = fs.statSync(opts.tree).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new UsageError(`--tree: no such directory: ${opts.tree}`);
  }
  if (paths.filter((p) => p === '-').length > 1) throw new UsageError("'-' (stdin) can be given once");
  const jobs = parseJobs(opts.jobs);
  const options: CheckRunOptions = {
    api: opts.api as ApiModelSetting,
    rules: parseRuleOverrides(opts.rule),
    mode,
    ...(opts.tree !== undefined ? { tree: opts.tree } : {}),
    ...(opts.fullParse ? { fullParse: true } : {}),
    maxFileSize: parseSize(opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE),
  };

  const { collected, results } = await checkAll(paths, options, jobs, io);
  const errors = [...collected.errors];
  const reports: FileReport[] = [];
  const diffs: string[] = [];
  const summary: CheckSummary = {
    filesChecked: results.length,
    filesAnalyzed: 0,
    filesFailed: collected.errors.length,
    fixesApplied: 0,
  };
  for (const r of results) {
    if (r.status === 'failed') summary.filesFailed++;
    if (r.error) errors.push(r.error);
    if (r.report) {
      reports.push(r.report);
      summary.filesAnalyzed++;
      summary.fixesApplied += r.report.fixed ?? 0;
    }
    if (r.diff) diffs.push(r.diff);
  }
  for (const e of errors) io.stderr(errorLine(e) + '\n');
  if (opts.verbose)
    collected.inputs.forEach((input, i) => {
      if (input.explicit && results[i]?.status === 'skipped')
        io.stderr(
          `${input.display}: note: names no get_user_pages*/pin_user_pages* call, so it is not analysed alone; ` +
            'its releases of struct fields are judged when it is checked with the files that fill them (its directory)\n',
        );
    });

  const ctx: FormatContext = { color: io.color, verbose: !!opts.verbose, toolVersion: TOOL_VERSION, cwd: io.cwd };
  if (mode === 'diff') {
    io.stdout(diffs.join(''));
    io.stderr(summaryFor(reports, summary, diffs.length) + '\n');
  } else {
    io.stdout(format.render(reports, summary, ctx));
    if (opts.verbose && format.machineReadable) {
      for (const r of reports) for (const line of verboseLines(r)) io.stderr(line + '\n');
    }
  }
  const findings = reports.reduce((n, r) => n + r.findings.length, 0);
  if (summary.filesFailed > 0) return 2;
  return findings > 0 ? 1 : 0;
}

/**
 * Collects the inputs and checks them: inline for small runs, on a worker pool for big ones; a
 * directory or several files get the ownership pass. Results are in input order. Shared by
 * `check` and `inventory`.
 */
export async function checkAll(
  paths: readonly string[],
  options: CheckRunOptions,
  jobs: number,
  io: Pick<CommandIo, 'readStdin'>,
): Promise<{ collected: ReturnType<typeof collectInputs>; results: CheckFileResult[]; index?: OwnershipIndex }> {
  const threads = jobs > 0 ? jobs : os.availableParallelism();
  let pool: WorkerPool | undefined;
  try {
    // A big walk starts the threads as soon as it is big, so that they load while it goes on
    // (a walk is a module run: see below).
    const collected = collectInputs(paths, (n) => {
      if (threads <= 1 || n !== POOL_THRESHOLD) return;
      options.withFacts = true;
      pool ??= new WorkerPool(threads, options);
    });
    const onDisk = collected.inputs.filter((i) => i.path !== '-');
    // A directory or several files: the files are a module, and ownership crosses them (a field
    // pinned in one file, released in another). One file alone is checked as it always was.
    const moduleRun = paths.length > 1 || onDisk.some((i) => !i.explicit);
    if (moduleRun) options.withFacts = true;
    const usePool = threads > 1 && (jobs > 1 || onDisk.length >= POOL_THRESHOLD);
    if (usePool) pool ??= new WorkerPool(threads, options);
    // The pool stays open through the ownership pass: its module-mates and re-checks use it too.
    const here = runHere(options);
    const run: RunPass = (items, opts) => (pool ? pool.run(items, opts) : here(items));
    const fromDisk = await run(onDisk, {});
    const results: CheckFileResult[] = [];
    let k = 0;
    for (const input of collected.inputs) {
      if (input.path === '-') results.push(await checkStdin(io, options));
      else results.push(fromDisk[k++]!);
    }
    const index = moduleRun ? await ownershipPass(collected.inputs, results, run) : undefined;
    return { collected, results, ...(index ? { index } : {}) };
  } finally {
    await pool?.close();
  }
}

async function checkStdin(io: Pick<CommandIo, 'readStdin'>, options: CheckRunOptions): Promise<CheckFileResult> {
  let text: string;
  try {
    const input = io.readStdin();
    if (options.maxFileSize && input.length > options.maxFileSize) {
      return {
        status: 'failed',
        error: `stdin: ${input.length} bytes is over the size limit (--max-file-size ${options.maxFileSize} bytes), not checked`,
      };
    }
    const decoded = decodeSource(input);
    if ('error' in decoded) return { status: 'failed', error: `stdin: ${decoded.error}, not checked` };
    text = decoded.text;
  } catch (e) {
    return { status: 'failed', error: `cannot read stdin: ${(e as Error).message}` };
  }
  return checkStdinText(text, options);
}

function verboseLines(r: FileReport): string[] {
  const out: string[] = [];
  if (r.model) out.push(`${r.file}: note: API model ${r.model.model} (${r.model.reason})`);
  for (const n of r.notes) {
    const where =
      n.messageId === 'inputNote' ? r.file : `${r.file}:${n.range.start.line + 1}:${n.range.start.column + 1}`;
    out.push(`${where}: note: ${noteMessage(n)}`);
  }
  return out;
}

function summaryFor(reports: readonly FileReport[], summary: CheckSummary, diffs: number): string {
  return `${summaryLine(reports, summary)}; diff of the fixes for ${plural(diffs, 'file')} on stdout, nothing written`;
}

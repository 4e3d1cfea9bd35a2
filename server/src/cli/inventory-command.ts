/**
 * `gup-review inventory PATH…`: one row per acquisition site of the code checked (the same
 * pipeline as `check`, ownership pass included), from core/ownership/inventory.ts: where it is,
 * family and flags, where its pages go, whether every path releases them, the findings on it;
 * grouped by subsystem with totals. Text (a table per subsystem), JSON and CSV (schemas in the
 * README), or one self-contained HTML report (project/inventory-html.ts, its own bundle:
 * the charting library loads only for it).
 */
import * as path from 'node:path';
import {
  inventoryReport,
  findingsAtOf,
  inventoryRows,
  seriesChanges,
  type InventoryReport,
  type InventoryRow,
  type InventorySummary,
} from '../core/ownership/inventory.ts';
import { renderHtml } from '../project/load-inventory-html.ts';
import { trailsOf } from '../core/ownership/trail.ts';
import { readPatchInput } from '../core/patch/index.ts';
import { seriesSites } from '../core/patch/series-sites.ts';
import type { ApiModelSetting } from '../core/types.ts';
import { checkAll, parseSize, DEFAULT_MAX_FILE_SIZE, type CommandIo } from './check-command.ts';
import type { CheckRunOptions } from './check-file.ts';
import { errorLine, UsageError } from './errors.ts';
import { TOOL_VERSION } from './package-info.ts';

export interface InventoryCommandOptions {
  api: string;
  format: 'text' | 'json' | 'csv' | 'html';
  jobs?: string;
  maxFileSize?: string;
}

/** The directory the paths share, for subsystem names (`drivers/gpu`) relative to it. */
function rootOf(paths: readonly string[], cwd: string): string {
  const dirs = paths.filter((p) => p !== '-').map((p) => path.resolve(cwd, p));
  if (dirs.length === 0) return cwd;
  let root = dirs[0]!;
  for (const d of dirs.slice(1)) while (!(d + path.sep).startsWith(root + path.sep)) root = path.dirname(root);
  return root;
}

export async function buildInventory(
  paths: readonly string[],
  opts: InventoryCommandOptions,
  io: CommandIo,
): Promise<{ report: InventoryReport; errors: string[] }> {
  const api = opts.api as ApiModelSetting;
  const options: CheckRunOptions = {
    api,
    rules: {},
    mode: 'report',
    withFacts: true,
    withPairings: true,
    maxFileSize: parseSize(opts.maxFileSize ?? DEFAULT_MAX_FILE_SIZE),
  };
  const jobs = opts.jobs === undefined ? 0 : Number(opts.jobs);
  if (!Number.isInteger(jobs) || jobs < 0)
    throw new UsageError(`--jobs expects a number of threads, not '${opts.jobs}'`);
  const { collected, results, index } = await checkAll(paths, options, jobs, io);
  const root = rootOf(paths, io.cwd);
  const findingsAt = findingsAtOf(
    collected.inputs.map((input, i) => ({ file: input.display, findings: results[i]?.report?.findings ?? [] })),
  );
  const rows: InventoryRow[] = [];
  const errors = [...collected.errors];
  const series: NonNullable<InventoryReport['series']> = [];
  for (const [i, input] of collected.inputs.entries()) {
    const report = results[i]?.report;
    if (!report || report.kind === 'c' || report.text === undefined) continue;
    const sites = seriesSites(await readPatchInput(report.text, report.kind), report.model?.model ?? 'unpin_user_page');
    series.push({ input: input.display, sites, changes: seriesChanges(sites) });
  }
  collected.inputs.forEach((input, i) => {
    const r = results[i];
    if (r?.error) errors.push(r.error);
    const report = r?.report;
    if (!report || report.kind !== 'c' || !r.pairings || !report.model) return;
    const trails = trailsOf(
      {
        model: report.model.model,
        pairings: r.pairings,
        notes: report.notes,
        findings: report.findings,
        ...(r.facts ? { facts: r.facts } : {}),
      },
      index,
      input.display,
    );
    const relative = input.path === '-' ? '-' : path.relative(root, path.resolve(io.cwd, input.path));
    rows.push(...inventoryRows(trails, input.display, relative, findingsAt));
  });
  const report = inventoryReport(rows, api, TOOL_VERSION);
  return { report: series.length ? { ...report, series } : report, errors };
}

export async function runInventory(
  paths: readonly string[],
  opts: InventoryCommandOptions,
  io: CommandIo,
): Promise<number> {
  const { report, errors } = await buildInventory(paths, opts, io);
  for (const e of errors) io.stderr(errorLine(e) + '\n');
  if (opts.format === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
  else if (opts.format === 'csv') io.stdout(inventoryCsv(report.sites));
  else if (opts.format === 'html') io.stdout(await renderHtml(report, io.cwd));
  else io.stdout(inventoryText(report));
  return errors.length ? 2 : 0;
}

const CSV_COLUMNS = [
  'subsystem',
  'file',
  'line',
  'function',
  'call',
  'family',
  'needs',
  'longterm',
  'write',
  'flags',
  'everyPath',
  'status',
  'goes',
  'findings',
] as const;

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV (RFC 4180, header row): list cells joined with `; `, findings as `rule@file:line`. */
export function inventoryCsv(rows: readonly InventoryRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
      subsystem: r.subsystem,
      file: r.file,
      line: String(r.line),
      function: r.function,
      call: r.call,
      family: r.family,
      needs: r.needs ?? '',
      longterm: r.longterm ? 'yes' : 'no',
      write: r.write ? 'yes' : 'no',
      flags: r.flags.join('; '),
      everyPath: r.everyPath,
      status: r.status,
      goes: r.goes.join('; '),
      findings: r.findings.map((f) => `${f.rule}@${f.file}:${f.line}`).join('; '),
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(cells[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function inventoryText(report: InventoryReport): string {
  const { totals, subsystems } = report.summary;
  const fam = (t: InventorySummary['totals']) =>
    `${t.byFamily.pin} pin, ${t.byFamily.gup} gup, ${t.byFamily.ref} ref, ${t.byFamily.extract} extract`;
  const st = (t: InventorySummary['totals']) =>
    `${t.byStatus.ok} ok, ${t.byStatus.finding} with findings, ${t.byStatus.unknown} unknown`;
  const out: string[] = [];
  for (const s of subsystems) {
    out.push(`${s.name}: ${s.sites} site${s.sites === 1 ? '' : 's'} (${fam(s)}; ${st(s)})`);
    for (const r of report.sites.filter((x) => x.subsystem === s.name)) {
      const flags = [r.longterm ? 'longterm' : '', r.write ? 'write' : ''].filter(Boolean).join(',');
      out.push(
        `  ${r.file}:${r.line}: ${r.call}() in ${r.function}() [${r.family}${flags ? `, ${flags}` : ''}] ${r.status}: ${r.goes.length ? r.goes.join('; ') : 'no release seen'}` +
          (r.findings.length ? ` — ${r.findings.map((f) => `${f.rule} at ${f.file}:${f.line}`).join(', ')}` : ''),
      );
    }
  }
  for (const s of report.series ?? []) {
    const c = s.changes;
    out.push(
      `${s.input}: the series adds ${c.added}, converts ${c.converted}, changes ${c.changed} and removes ${c.removed} acquisition site${c.added + c.converted + c.changed + c.removed === 1 ? '' : 's'}`,
    );
    for (const x of s.sites) {
      const was = x.before
        ? `${x.before.call}() [${x.before.family}${x.before.needs ? `, needs ${x.before.needs}` : ''}] → `
        : '';
      out.push(
        `  ${s.input}:${x.line}: patch ${x.patch} (${x.file}): ${x.change}: ${was}${x.call}() [${x.family}${x.needs ? `, needs ${x.needs}` : ''}]`,
      );
    }
  }
  out.push(
    `gup-review inventory: ${totals.sites} acquisition site${totals.sites === 1 ? '' : 's'} in ${subsystems.length} subsystem${subsystems.length === 1 ? '' : 's'} (${fam(totals)}; ${st(totals)}; ${totals.longterm} long-term)`,
  );
  return out.join('\n') + '\n';
}

/**
 * `gup-review trace FILE:LINE`: where the pages of the acquisition on that line go — every
 * release its data flow reaches (this function's paths, other functions' and other files'
 * releases of the struct field it fills), whether each is the right kind, the findings on them,
 * and where the analysis saw the pages handed off or stayed quiet. The line of a release traces
 * the acquisition it releases. The module is FILE's directory, checked as `check DIR` does (the
 * ownership pass included). Text or JSON; exit 0 when traced, 2 on a bad target.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findingMessage, noteMessage } from '../core/messages/format-message.ts';
import type { OwnershipIndex } from '../core/ownership/ownership-index.ts';
import { releaseThroughHelper, trailsOf, trailSummary, verdictOf, type Trail } from '../core/ownership/trail.ts';
import type { AnalysisResult, ApiModelSetting, Finding } from '../core/types.ts';
import { sameStart } from '../core/pairing-query.ts';
import { analyzeFocused } from '../project/analyze-source.ts';
import { decideFileModel } from '../project/api-model.ts';
import { helperAt } from '../project/helper-line.ts';
import { readSourceText } from '../project/read-source.ts';
import { collectInputs } from '../project/walk.ts';
import type { CommandIo } from './check-command.ts';
import { checkFile, skipWalkedFile, type CheckFileResult, type CheckRunOptions } from './check-file.ts';
import { UsageError } from './errors.ts';
import { ownershipPass } from './ownership-pass.ts';
import { runHere } from './worker-pool.ts';

export interface TraceCommandOptions {
  api: string;
  format: 'text' | 'json';
}

interface Module {
  index: OwnershipIndex;
  /** Findings of every file of the module, by display path. */
  findings: Map<string, Finding[]>;
  options: CheckRunOptions;
}

async function checkModule(dir: string, options: CheckRunOptions): Promise<Module> {
  const { inputs } = collectInputs([dir]);
  const results: CheckFileResult[] = [];
  for (const i of inputs) results.push(skipWalkedFile(i.path) ?? (await checkFile(i.path, i.display, false, options)));
  const index = await ownershipPass(inputs, results, runHere(options));
  const findings = new Map<string, Finding[]>();
  inputs.forEach((input, k) => findings.set(input.display, results[k]?.report?.findings ?? []));
  return { index, findings, options };
}

/**
 * One file of the module analysed as check's ownership pass does: with the other files' view (their
 * fields, and their extern helpers and wrappers), so a trail agrees with check's findings.
 */
async function analyzeInModule(file: string, module: Module, api: ApiModelSetting): Promise<AnalysisResult> {
  const text = readSourceText(file, { explicit: true });
  if (text === undefined) throw new UsageError(`cannot read ${file}`);
  return analyzeFocused(text, {
    model: decideFileModel(api, text, file),
    withFacts: true,
    ...module.index.viewFor(file),
  });
}

const trailsIn = (result: AnalysisResult, module: Module, file: string): Trail[] =>
  trailsOf({ ...result, model: result.model.model }, module.index, file);

/** Releases in an analysed file of a field filled in another file: where to go to trace them. */
function fieldPairings(result: AnalysisResult) {
  return result.pairings.flatMap((p) =>
    p.acquisition.file
      ? p.releases.map((r) => ({
          line: r.nameRange.start.line,
          file: p.acquisition.file!,
          acquisitionLine: p.acquisition.nameRange.start.line,
        }))
      : [],
  );
}

function parseTarget(target: string): { file: string; line: number } {
  const m = /^(.+):(\d+)$/.exec(target);
  if (!m) throw new UsageError(`trace expects FILE:LINE (e.g. drivers/foo/main.c:42), not '${target}'`);
  const file = m[1]!;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`no such file: ${file}`);
  return { file, line: Number(m[2]) };
}

export async function runTrace(target: string, opts: TraceCommandOptions, io: CommandIo): Promise<number> {
  const { file, line } = parseTarget(target);
  const api = opts.api as ApiModelSetting;
  const options: CheckRunOptions = { api, rules: {}, mode: 'report', withFacts: true };
  // The module: FILE's directory, named as the walk names it (so the index and FILE agree).
  const dir = path.dirname(file);
  const display = path.join(dir, path.basename(file));
  const module = await checkModule(dir, options);
  let home = display;
  const here = await analyzeInModule(display, module, api);
  const trails = trailsIn(here, module, display);
  let trail = trails.find((t) => t.acquisition.nameRange.start.line === line - 1);
  if (!trail) {
    // A release's line: trace the acquisition it releases (in this file or the one the index names).
    const of = trails.find((t) => t.releases.some((r) => !r.file && r.nameRange.start.line === line - 1));
    const released = fieldPairings(here).find((p) => p.line === line - 1);
    if (of) trail = of;
    else if (released) {
      home = released.file;
      const there = trailsIn(await analyzeInModule(released.file, module, api), module, released.file);
      trail = there.find((t) => t.acquisition.nameRange.start.line === released.acquisitionLine);
    }
  }
  if (!trail) {
    // A release inside a helper (the put_page() of a parameter): the acquisitions whose pages are passed to it.
    const text = readSourceText(display, { explicit: true });
    const helper = text === undefined ? undefined : helperAt(text, line - 1);
    const callers = helper ? await helperCallers(display, helper.names, module, api) : [];
    if (helper && callers.length > 0) {
      const name = callers[0]!.release.name;
      const head = `${display}:${line}:${helper.column + 1}: ${helper.call}() in ${name}()`;
      const n = callers.length;
      // A helper with several releases (one per case, say): each trail's notes say which its pages reach.
      const only = callers.every((c) => c.release.releasedAt!.range.start.line === line - 1);
      if (opts.format === 'json') {
        const json = {
          helperRelease: { file: display, line, column: helper.column + 1, call: helper.call, helper: name },
          acquisitions: callers.map((c) => trailJson(c.trail, c.home, module)),
        };
        io.stdout(JSON.stringify(json, null, 2) + '\n');
      } else {
        const what = only
          ? `releases the pages of ${n} acquisition${n === 1 ? '' : 's'} passed to the helper`
          : `one of the helper's releases; ${n} acquisition${n === 1 ? ' passes its' : 's pass their'} pages to the helper`;
        io.stdout(`${head}: ${what}\n\n` + callers.map((c) => trailText(c.trail, c.home, module)).join('\n'));
      }
      return 0;
    }
    io.stderr(`gup-review: ${target}: no acquisition or release of user pages on that line\n`);
    return 2;
  }
  if (opts.format === 'json') io.stdout(JSON.stringify(trailJson(trail, home, module), null, 2) + '\n');
  else io.stdout(trailText(trail, home, module));
  return 0;
}

/**
 * The trails of the module whose pages are passed to the helper (one of `names`) defined in `file`: every release of
 * every indexed file's trails that is a call of that helper. A same-file helper's place has no
 * file (it is the trail's own).
 */
async function helperCallers(
  file: string,
  names: readonly string[],
  module: Module,
  api: ApiModelSetting,
): Promise<Array<{ trail: Trail; home: string; release: Trail['releases'][number] }>> {
  const out: Array<{ trail: Trail; home: string; release: Trail['releases'][number] }> = [];
  for (const home of module.index.files) {
    for (const trail of trailsIn(await analyzeInModule(home, module, api), module, home)) {
      const release = releaseThroughHelper(trail, names, file, home);
      if (release) out.push({ trail, home, release });
    }
  }
  return out;
}

/**
 * The findings on `line` of `file` about the pages of trail `t` (of file `home`): two acquisitions
 * whose pages reach the same release line (one per case of a helper) each keep their own. A
 * finding that names no acquisition is kept.
 */
function findingsAt(module: Module, file: string, line: number, t: Trail, home: string): Finding[] {
  return (module.findings.get(file) ?? []).filter((f) => {
    if (f.range.start.line !== line) return false;
    const acq = f.locations.acquisition;
    if (!acq || Array.isArray(acq)) return true;
    return (acq.file ?? file) === home && sameStart(acq.range, t.acquisition.nameRange);
  });
}

function trailText(t: Trail, home: string, module: Module): string {
  const a = t.acquisition;
  const where = (file: string, r: { start: { line: number; column: number } }) =>
    `${file}:${r.start.line + 1}:${r.start.column + 1}`;
  const out = [`${where(home, a.nameRange)}: ${a.name}() in ${a.functionName}(): ${trailSummary(t)}`];
  if (t.field) {
    const [struct, member] = t.field.split('::');
    out.push(`  stored in: struct ${struct}, field ${member}`);
  }
  if (t.releases.length === 0) out.push('  no release of these pages seen');
  for (const r of t.releases) {
    const file = r.file ?? home;
    out.push(
      `  ${where(file, r.nameRange)}: ${r.name}() in ${r.functionName}(): ${verdictOf(r.right)}` +
        (r.releasesWith ? ` (releases with ${r.releasesWith}())` : '') +
        (r.via === 'field' ? ' [through the field, another file]' : ''),
    );
    for (const f of findingsAt(module, file, r.nameRange.start.line, t, home))
      out.push(`      ${f.severity}: ${findingMessage(f)} [gup/${f.rule}]`);
  }
  for (const f of t.findings.filter(
    (x) => !t.releases.some((r) => !r.file && r.nameRange.start.line === x.range.start.line),
  ))
    out.push(`  ${where(home, f.range)}: ${f.severity}: ${findingMessage(f)} [gup/${f.rule}]`);
  for (const n of t.notes) out.push(`  note: ${noteMessage(n)}`);
  return out.join('\n') + '\n';
}

function trailJson(t: Trail, home: string, module: Module) {
  const pos = (file: string, r: { start: { line: number; column: number } }) => ({
    file,
    line: r.start.line + 1,
    column: r.start.column + 1,
  });
  return {
    acquisition: {
      ...pos(home, t.acquisition.nameRange),
      call: t.acquisition.name,
      function: t.acquisition.functionName,
      family: t.acquisition.family,
      ...(t.acquisition.expected ? { needs: t.acquisition.expected } : {}),
    },
    ...(t.field ? { field: t.field } : {}),
    summary: trailSummary(t),
    releases: t.releases.map((r) => ({
      ...pos(r.file ?? home, r.nameRange),
      call: r.name,
      function: r.functionName,
      class: r.cls,
      verdict: verdictOf(r.right),
      via: r.via,
      findings: findingsAt(module, r.file ?? home, r.nameRange.start.line, t, home).map((f) => ({
        rule: f.rule,
        message: findingMessage(f),
      })),
    })),
    findings: t.findings.map((f) => ({ ...pos(home, f.range), rule: f.rule, message: findingMessage(f) })),
    notes: t.notes.map((n) => noteMessage(n)),
  };
}

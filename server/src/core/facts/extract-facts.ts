/**
 * Builds a file's FileFacts (file-facts.ts) from the unit driver's prepared unit, and rebuilds the
 * same-file summaries from FileFacts alone: the round trip shows the facts carry everything the
 * summaries need, with no tree behind them.
 */
import { expectedReleaseClass, findRelease } from '../api-table.ts';
import type { PreparedUnit } from '../analyze-unit.ts';
import { acquiredField, fieldKeyOf, releasedField } from '../matcher/fields.ts';
import type { AcquisitionKind, ReleaseKind } from '../matcher/sites.ts';
import { argAt } from '../matcher/sites.ts';
import { FileSummaries, type FunctionInfo } from '../matcher/summaries.ts';
import { baseOfKey, isStatic, rangeOf } from '../matcher/syntax.ts';
import type { ApiModel } from '../types.ts';
import type { AcquiresFor, FieldEvent, FileFacts, FunctionFactsJson, ParamRelease, StorageKey } from './file-facts.ts';

/** A matcher storage key (a string) as a typed key, read in the function it appears in. */
export function typedKey(info: FunctionInfo, key: string | undefined): StorageKey {
  if (key === undefined) return { kind: 'unknown' };
  if (key === 'NULL') return { kind: 'null' };
  if (/^\w+$/.test(key)) {
    const param = info.params.indexOf(key);
    return param >= 0 ? { kind: 'variable', name: key, param } : { kind: 'variable', name: key };
  }
  const field = fieldKeyOf(info, key);
  if (field) return { kind: 'field', field, base: baseOfKey(key) };
  return { kind: 'unknown' };
}

function paramRelease(k: ReleaseKind, info: FunctionInfo): Omit<ParamRelease, 'param' | 'byCase'> {
  return {
    cls: k.cls,
    release: k.spec.name,
    at: { range: k.inner?.nameRange ?? rangeOf(info.node) },
    callAt: { range: k.inner?.callRange ?? rangeOf(info.node) },
    ...(k.countIndex === undefined ? {} : { countParam: k.countIndex }),
  };
}

function acquiresFor(k: AcquisitionKind): AcquiresFor {
  const pagesParam = argAt(k.pagesArg, 0);
  const countParam = argAt(k.countArg, 0);
  return {
    family: k.family,
    returns: k.returns,
    ...(pagesParam === undefined ? {} : { pagesParam }),
    ...(countParam === undefined ? {} : { countParam }),
    single: k.single,
    pagesByReference: k.pagesByReference,
    allOrNothing: !!k.allOrNothing,
    trackLeaks: k.trackLeaks,
    wraps: k.wraps ?? k.name,
  };
}

export function fileFactsOf(prepared: PreparedUnit, model: ApiModel): FileFacts {
  const { units, summaries } = prepared;
  const functions: FunctionFactsJson[] = [];
  const fields: FieldEvent[] = [];
  for (const { info, sites } of units) {
    const helper = summaries.helperReleases.get(info.name);
    const wrapper = summaries.wrappers.get(info.name);
    const fn: FunctionFactsJson = {
      name: info.name,
      isStatic: (info.memo.isStatic ??= isStatic(info.node)),
      calls: (info.memo.calledNames ??= [...new Set(info.callNames.filter((n) => n !== ''))].sort()),
      at: { range: rangeOf(info.node) },
      releasesParams: helper
        ? [...helper].map(([param, k]) => ({
            param,
            ...paramRelease(k, info),
            ...(k.byCase
              ? {
                  byCase: {
                    selector: k.byCase.selector,
                    cases: k.byCase.cases.map((c) =>
                      c.kind ? { value: c.value, release: paramRelease(c.kind, info) } : { value: c.value },
                    ),
                  },
                }
              : {}),
          }))
        : [],
      ...(wrapper ? { acquiresFor: acquiresFor(wrapper) } : {}),
      acquisitions: [],
      releases: [],
    };
    for (const a of sites.acquisitions) {
      const into = typedKey(info, a.key);
      const expected = expectedReleaseClass(a.kind.family, model);
      fn.acquisitions.push({
        call: a.kind.name,
        family: a.kind.family,
        at: { range: a.nameRange },
        into,
        ...(expected ? { expected } : {}),
        use: a.use,
      });
      const field = acquiredField(info, a.key);
      if (field)
        fields.push({
          field,
          event: 'acquire',
          functionName: info.name,
          call: a.kind.name,
          at: { range: a.nameRange },
          callAt: { range: a.callRange },
          ...(a.kind.wraps ? { wraps: a.kind.wraps } : {}),
          family: a.kind.family,
        });
    }
    for (const r of sites.releases) {
      const of = typedKey(info, r.key);
      fn.releases.push({
        call: r.kind.name,
        cls: r.kind.cls,
        release: r.kind.spec.name,
        at: { range: r.nameRange },
        of,
      });
      const field = releasedField(info, r.key, r.freesStorage);
      if (field)
        fields.push({
          field,
          event: 'release',
          functionName: info.name,
          call: r.kind.name,
          at: { range: r.nameRange },
          callAt: { range: r.callRange },
          cls: r.kind.cls,
        });
    }
    functions.push(fn);
  }
  return { format: 1, model, functions, fields, otherSources: [...prepared.otherSources].sort() };
}

/** The same-file summaries, from FileFacts alone (no tree). */
export function summariesFromFacts(facts: FileFacts): FileSummaries {
  return summariesOf(facts.functions.map((fn) => ({ fn })));
}

/**
 * The summaries of functions given as facts, each from its file (`file` set: another file of
 * the module, so that a message names it and no fix edits it from here).
 */
export function summariesOf(functions: ReadonlyArray<{ fn: FunctionFactsJson; file?: string }>): FileSummaries {
  const s = new FileSummaries();
  for (const { fn, file } of functions) {
    const where = file ? { file } : {};
    if (fn.releasesParams.length > 0) {
      const m = new Map<number, ReleaseKind>();
      const kindOf = (p: Omit<ParamRelease, 'param' | 'byCase'>, param: number): ReleaseKind | undefined => {
        const spec = findRelease(p.release);
        if (!spec) return undefined;
        return {
          name: fn.name,
          cls: p.cls,
          objectIndex: param,
          countIndex: p.countParam,
          batch: true,
          spec,
          inner: { nameRange: p.at.range, callRange: p.callAt.range, ...where },
        };
      };
      for (const p of fn.releasesParams) {
        const k = kindOf(p, p.param);
        if (!k) continue;
        if (p.byCase) {
          const cases = p.byCase.cases.map((c) => {
            const ck = c.release ? kindOf(c.release, p.param) : undefined;
            return ck ? { value: c.value, kind: ck } : { value: c.value };
          });
          k.byCase = { selector: p.byCase.selector, cases };
        }
        m.set(p.param, k);
      }
      if (m.size) s.helperReleases.set(fn.name, m);
    }
    const w = fn.acquiresFor;
    if (w) {
      s.wrappers.set(fn.name, {
        name: fn.name,
        family: w.family,
        pagesArg: w.pagesParam === undefined ? { none: true } : { at: w.pagesParam },
        countArg: w.countParam === undefined ? { none: true } : { at: w.countParam },
        single: w.single,
        pagesByReference: w.pagesByReference,
        returns: w.returns,
        trackLeaks: w.trackLeaks,
        wraps: w.wraps,
        ...(w.allOrNothing ? { allOrNothing: true } : {}),
        ...where,
      });
    }
  }
  return s;
}

/**
 * The ownership index: what the C files of a module say together about where user pages go. It
 * knows, per struct field ({struct, path}) of a module (a directory), every acquisition that
 * fills it and every release that drains it, with file, function, place and family or release class; which field names each
 * file fills from other sources (kernel pages, a lookup); and each file's function summaries
 * (static ones belong to their file, extern ones answer by name). It is plain data built from the
 * files' FileFacts (core/facts), kept per file so one file can be replaced as it changes. For one
 * file it answers the view of all the others (`fieldsFor`), which the unit driver takes as
 * AnalysisOptions.fields: a put_page() in reset.c of pages pinned in main.c is then judged like a
 * same-file release. Asked by the CLI on directory and multi-file runs, by the language server
 * for the workspace, and by `trace` and references (`fieldTrail`).
 */
import type { ReleaseClass } from '../api-table.ts';
import { isTableFunction } from '../api-table.ts';
import { summariesOf } from '../facts/extract-facts.ts';
import type { FieldEvent, FileFacts, FunctionFactsJson } from '../facts/file-facts.ts';
import type { FileSummaries } from '../matcher/summaries.ts';
import { fieldKeyText, memberOf, type ExternalField, type ExternalFields, type FieldKey } from '../matcher/fields.ts';
import type { AcquisitionRef } from '../matcher/sites.ts';

/** One event of a field, with the file it is in. */
export interface FieldEventAt extends FieldEvent {
  file: string;
}

interface FieldEntry {
  field: FieldKey;
  events: FieldEventAt[];
}

/** The directory of a file as the index names it (its module). */
const dirOf = (file: string) => file.slice(0, Math.max(0, file.lastIndexOf('/')));

export class OwnershipIndex {
  private readonly byFile = new Map<string, FileFacts>();
  private fieldsCache: Map<string, FieldEntry> | undefined;

  /** Adds or replaces a file's facts (undefined: the file says nothing about user pages). */
  set(file: string, facts: FileFacts | undefined): void {
    if (facts) this.byFile.set(file, facts);
    else this.byFile.delete(file);
    this.fieldsCache = undefined;
  }

  delete(file: string): void {
    if (this.byFile.delete(file)) this.fieldsCache = undefined;
  }

  factsOf(file: string): FileFacts | undefined {
    return this.byFile.get(file);
  }

  has(file: string): boolean {
    return this.byFile.has(file);
  }

  get files(): string[] {
    return [...this.byFile.keys()];
  }

  /** Every field of a known struct, with its events in file order. */
  private fields(): Map<string, FieldEntry> {
    if (this.fieldsCache) return this.fieldsCache;
    const out = new Map<string, FieldEntry>();
    for (const [file, facts] of this.byFile) {
      for (const ev of facts.fields) {
        const k = fieldKeyText(ev.field);
        if (!k) continue;
        let entry = out.get(k);
        if (!entry) out.set(k, (entry = { field: ev.field, events: [] }));
        entry.events.push({ ...ev, file });
      }
    }
    this.fieldsCache = out;
    return out;
  }

  /**
   * What the other files say about the fields `file` touches (acquires into or releases), or
   * about every field when `file` is not in the index: their acquisitions, the classes they
   * release with, and whether one fills the field from another source.
   */
  fieldsFor(file: string): ExternalFields {
    const own = this.byFile.get(file);
    const touched = own ? new Set(own.fields.flatMap((ev) => fieldKeyText(ev.field) ?? [])) : undefined;
    // A struct field is the module's: files of the same directory (two drivers may both have a
    // `struct demo_dev`).
    const dir = dirOf(file);
    const otherNames = new Set<string>();
    for (const [f, facts] of this.byFile)
      if (f !== file && dirOf(f) === dir) for (const n of facts.otherSources) otherNames.add(n);
    const out = new Map<string, ExternalField>();
    for (const [k, entry] of this.fields()) {
      if (touched && !touched.has(k)) continue;
      const elsewhere = entry.events.filter((ev) => ev.file !== file && dirOf(ev.file) === dir);
      if (elsewhere.length === 0) continue;
      const sources = elsewhere.filter((ev) => ev.event === 'acquire').map(acquisitionOf);
      // As in one file (fields.ts fieldsReleasedRight): a function releasing what it acquired
      // into the field itself (its error path) says nothing about what else the field holds.
      const acquirers = new Set(entry.events.filter((ev) => ev.event === 'acquire').map(functionAt));
      const releasedWith = [
        ...new Set(
          elsewhere.flatMap((ev): ReleaseClass[] =>
            ev.event === 'release' && ev.cls && !acquirers.has(functionAt(ev)) ? [ev.cls] : [],
          ),
        ),
      ];
      out.set(k, {
        field: entry.field,
        sources,
        releasedWith,
        otherSource: otherNames.has(memberOf(entry.field.path)),
      });
    }
    return out;
  }

  /**
   * What the extern functions of the other files do that `file`'s functions call (all of them
   * when `file` is not indexed): releases of a parameter, acquisitions for the caller. A name
   * defined in two other files counts only when one of them is in `file`'s own directory;
   * otherwise it says nothing.
   */
  functionsFor(file: string): FileSummaries | undefined {
    const list = this.externDefinitionsFor(file);
    return list.length ? summariesOf(list) : undefined;
  }

  /** The other files' extern definitions that functionsFor summarises (plain data). */
  private externDefinitionsFor(file: string): ExternDefinition[] {
    const own = this.byFile.get(file);
    const called = own ? new Set(own.functions.flatMap((fn) => fn.calls)) : undefined;
    const found = new Map<string, ExternDefinition[]>();
    for (const [f, facts] of this.byFile) {
      if (f === file) continue;
      for (const fn of facts.functions) {
        // The API's own functions (mm/gup.c's get_user_pages()) are the table's, not helpers.
        if (fn.isStatic || (called && !called.has(fn.name)) || isTableFunction(fn.name)) continue;
        if (fn.releasesParams.length === 0 && !fn.acquiresFor) continue;
        found.set(fn.name, [...(found.get(fn.name) ?? []), { fn, file: f }]);
      }
    }
    // One definition, or one in this file's own directory (two modules may each define the name).
    const dir = dirOf(file);
    return [...found.values()].flatMap((defs) => {
      const here = defs.filter((d) => dirOf(d.file) === dir);
      return defs.length === 1 ? defs : here.length === 1 ? here : [];
    });
  }

  /**
   * The other files' view for `file`, as AnalysisOptions takes it (fields, functions), or
   * undefined when they say nothing that changes its analysis (no field of it is filled or
   * released elsewhere, no function it calls is another file's).
   */
  viewFor(file: string): { fields: ExternalFields; functions?: FileSummaries } | undefined {
    const plain = this.plainViewFor(file);
    return plain ? viewOf(plain) : undefined;
  }

  /**
   * viewFor as plain data, for another thread (structured clone keeps Maps, not classes): the
   * functions are the definitions, summarised there by viewOf().
   */
  plainViewFor(file: string): PlainView | undefined {
    const fields = this.fieldsFor(file);
    const functions = this.externDefinitionsFor(file);
    const touched = [...fields.values()].some((ext) => ext.sources.length > 0 || ext.releasedWith.length > 0);
    return touched || functions.length ? { fields, ...(functions.length ? { functions } : {}) } : undefined;
  }

  /** Whether other files change what `file`'s own analysis says (a field or a function it uses is theirs). */
  concerns(file: string): boolean {
    return this.viewFor(file) !== undefined;
  }

  /** Every event of a field (`struct::path`) in `file`'s module (its directory), in file order. */
  fieldTrail(key: string, file: string): FieldEventAt[] {
    const dir = dirOf(file);
    return (this.fields().get(key)?.events ?? []).filter((ev) => dirOf(ev.file) === dir);
  }
}

/** One extern function of another file, as summariesOf() takes it. */
export interface ExternDefinition {
  fn: FunctionFactsJson;
  file: string;
}

/** An OwnershipIndex view as plain data (plainViewFor). */
export interface PlainView {
  fields: ExternalFields;
  functions?: ExternDefinition[];
}

/** A plain view as AnalysisOptions takes it (what viewFor answers). */
export function viewOf(plain: PlainView): { fields: ExternalFields; functions?: FileSummaries } {
  return { fields: plain.fields, ...(plain.functions ? { functions: summariesOf(plain.functions) } : {}) };
}

const functionAt = (ev: FieldEventAt) => `${ev.file}\0${ev.functionName}`;

function acquisitionOf(ev: FieldEventAt): AcquisitionRef {
  if (!ev.family) throw new Error(`acquire event without a family in ${ev.file}`);
  return {
    name: ev.call,
    ...(ev.wraps ? { wraps: ev.wraps } : {}),
    family: ev.family,
    range: ev.at.range,
    callRange: ev.callAt.range,
    file: ev.file,
    functionName: ev.functionName,
  };
}

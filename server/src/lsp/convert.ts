/** Core ↔ LSP conversions: the only place core Finding/Range/TextEdit become LSP types. */
import { findingMessage, relatedMessage } from '../core/messages/format-message.ts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range as LspRange,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import { ruleDocAnchor } from '../core/rules/index.ts';
import type { Finding, Range, RuleId, Severity, TextEdit } from '../core/types.ts';

export const DIAGNOSTIC_SOURCE = 'gup-review';

export function toLspRange(r: Range): LspRange {
  return {
    start: { line: r.start.line, character: r.start.column },
    end: { line: r.end.line, character: r.end.column },
  };
}

export function fromLspRange(r: LspRange): Range {
  return {
    start: { line: r.start.line, column: r.start.character },
    end: { line: r.end.line, column: r.end.character },
  };
}

export function toLspTextEdit(e: TextEdit): LspTextEdit {
  return { range: toLspRange(e.range), newText: e.newText };
}

export function toLspSeverity(s: Exclude<Severity, 'off'>): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

let readmeUriCache: string | undefined;

/**
 * file:// URI of the README.md shipped next to dist/ (the VSIX and npm package carry it at the
 * package root; dist/server.js sits one level below). Falls back to walking up from this file
 * when running from source.
 */
export function readmeUri(): string {
  if (readmeUriCache) return readmeUriCache;
  let dir = __dirname;
  let found = path.join(__dirname, '..', 'README.md');
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, '..', 'README.md');
    if (fs.existsSync(candidate)) {
      found = candidate;
      break;
    }
    dir = path.dirname(dir);
  }
  readmeUriCache = pathToFileURL(path.resolve(found)).href;
  return readmeUriCache;
}

/** The documentation link of a rule: the README anchor derived in core/rules. */
export function ruleDocUri(rule: RuleId): string {
  return `${readmeUri()}#${ruleDocAnchor(rule)}`;
}

/** Stable key tying a diagnostic back to the finding it came from (carried in `data`). */
export function findingKey(f: Finding): string {
  const r = f.range;
  return `${f.rule}@${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;
}

export interface DiagnosticData {
  key: string;
  /** Document version the finding was computed for. */
  version: number;
}

export function toDiagnostic(f: Finding, documentUri: string, version: number): Diagnostic {
  const related: DiagnosticRelatedInformation[] = f.related.map((r) => ({
    location: { uri: r.file ? pathToFileURL(r.file).href : documentUri, range: toLspRange(r.range) },
    message: relatedMessage(r),
  }));
  const data: DiagnosticData = { key: findingKey(f), version };
  const diagnostic: Diagnostic = {
    range: toLspRange(f.range),
    severity: toLspSeverity(f.severity),
    source: DIAGNOSTIC_SOURCE,
    code: f.rule,
    codeDescription: { href: ruleDocUri(f.rule) },
    message: findingMessage(f),
    data,
  };
  if (related.length > 0) diagnostic.relatedInformation = related;
  return diagnostic;
}

/**
 * SARIF 2.1.0 (OASIS): one run, the rules in tool.driver.rules (from core/rules), results with
 * locations, the acquisition and other releases as relatedLocations, and the fixes as
 * artifactChanges. Validated against the SARIF 2.1.0 JSON schema in test/unit/cli-sarif.test.ts.
 */
import { findingMessage, relatedMessage } from '../../core/messages/format-message.ts';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { RULES, ruleDocAnchor } from '../../core/rules/index.ts';
import type { Range, Severity } from '../../core/types.ts';
import { docsUri, TOOL_NAME } from '../package-info.ts';
import type { FileReport, OutputFormat } from './format.ts';

const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Exclude<Severity, 'off'>, Sarif.Result.level> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** An artifact location: relative paths against %SRCROOT% (the working directory), absolute ones as file: URIs. */
export function artifactLocation(file: string): Sarif.ArtifactLocation {
  if (file === '-') return { uri: 'stdin' };
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const uri = file
    .split(path.sep)
    .filter((s) => s !== '.' && s !== '')
    .map(encodeURIComponent)
    .join('/');
  return { uri, uriBaseId: SRCROOT };
}

function region(r: Range): Sarif.Region {
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.column + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.column + 1,
  };
}

function rulesDescriptors(): Sarif.ReportingDescriptor[] {
  return RULES.map((r) => {
    const help = docsUri(ruleDocAnchor(r.id));
    return {
      id: r.id,
      name: r.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      ...(help ? { helpUri: help } : {}),
      defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
      properties: { fixable: r.fixable },
    };
  });
}

export function toSarifLog(reports: readonly FileReport[], toolVersion: string, cwd: string): Sarif.Log {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results: Sarif.Result[] = [];
  for (const report of reports) {
    const location = artifactLocation(report.file);
    for (const f of report.findings) {
      results.push({
        ruleId: f.rule,
        ruleIndex: ruleIndex.get(f.rule),
        level: LEVEL[f.severity],
        message: { text: findingMessage(f) },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(f.range) } }],
        relatedLocations: f.related.map((r, i) => ({
          id: i + 1,
          message: { text: relatedMessage(r) },
          physicalLocation: {
            artifactLocation: r.file ? artifactLocation(r.file) : location,
            region: region(r.range),
          },
        })),
        fixes: f.fixes.map((fix) => ({
          description: { text: fix.title },
          artifactChanges: [
            {
              artifactLocation: location,
              replacements: fix.edits.map((e) => ({
                deletedRegion: region(e.range),
                insertedContent: { text: e.newText },
              })),
            },
          ],
        })),
      });
    }
  }
  const root = pathToFileURL(cwd).href;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: toolVersion,
            semanticVersion: toolVersion,
            ...(docsUri('') ? { informationUri: docsUri('')!.replace(/#$/, '') } : {}),
            rules: rulesDescriptors(),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: root.endsWith('/') ? root : `${root}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export const sarifFormat: OutputFormat = {
  name: 'sarif',
  machineReadable: true,
  description: 'SARIF 2.1.0 for code-scanning services',
  render(reports, _summary, ctx) {
    return JSON.stringify(toSarifLog(reports, ctx.toolVersion, ctx.cwd), null, 2) + '\n';
  },
};

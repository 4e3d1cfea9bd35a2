/** The formatters on hand-built findings: colour only when asked, SARIF locations, JSON shape. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { CheckSummary, FileReport, FormatContext } from '../../server/src/cli/formats/format.ts';
import { FORMAT_NAMES, findFormat } from '../../server/src/cli/formats/index.ts';
import { jsonFormat } from '../../server/src/cli/formats/json.ts';
import { artifactLocation, toSarifLog } from '../../server/src/cli/formats/sarif.ts';
import { textFormat } from '../../server/src/cli/formats/text.ts';
import type { Finding } from '../../server/src/core/types.ts';

const finding: Finding = {
  rule: 'release-count',
  severity: 'error',
  messageId: 'requestedCount',
  data: { release: 'unpin_user_pages', requested: 'nr', acquisition: 'pin_user_pages_fast()', result: 'ret' },
  locations: { acquisition: { range: { start: { line: 4, column: 7 }, end: { line: 4, column: 26 } } } },
  range: { start: { line: 9, column: 1 }, end: { line: 9, column: 17 } },
  related: [
    {
      range: { start: { line: 4, column: 7 }, end: { line: 4, column: 26 } },
      messageId: 'taken',
      data: { acquisition: 'pin_user_pages_fast()' },
      file: 'other.c',
    },
  ],
  fixes: [
    {
      title: 'release ret pages',
      edits: [{ range: { start: { line: 9, column: 30 }, end: { line: 9, column: 32 } }, newText: 'ret' }],
    },
  ],
};
const report: FileReport = {
  file: 'drv/x.c',
  kind: 'c',
  findings: [finding],
  notes: [
    {
      range: { start: { line: 2, column: 0 }, end: { line: 2, column: 1 } },
      messageId: 'outlivesCall',
      data: { acquisition: 'pin_user_pages_fast', key: 'ctx->pages' },
      locations: {},
    },
  ],
  problems: [],
  model: { model: 'unpin_user_page', reason: 'set by the user', evidence: { kind: 'setting' } },
};
const summary: CheckSummary = { filesChecked: 2, filesAnalyzed: 1, filesFailed: 0, fixesApplied: 0 };
const ctx = (over: Partial<FormatContext> = {}): FormatContext => ({
  color: false,
  verbose: false,
  toolVersion: '9.9.9',
  cwd: '/work/x',
  ...over,
});

describe('output formats', () => {
  it('the registry has the five formats', () => {
    assert.deepEqual([...FORMAT_NAMES], ['text', 'json', 'sarif', 'checkpatch', 'reply']);
    assert.equal(findFormat('nope'), undefined);
  });

  it('text: 1-based gcc lines, related file, summary; ANSI colour only when the context allows it', () => {
    const plain = textFormat.render([report], summary, ctx());
    assert.equal(
      plain,
      'drv/x.c:10:2: error: unpin_user_pages() releases nr pages, but pin_user_pages_fast() (line 5) may have taken fewer (a partial pin): release the number it returned (ret) [gup/release-count]\n' +
        'other.c:5:8: note: pages taken here by pin_user_pages_fast()\n' +
        'gup-review: 2 files checked (1 analysed), 1 finding: 1 error, 0 warnings, 0 info, 0 hints\n',
    );
    const coloured = textFormat.render([report], summary, ctx({ color: true }));
    assert.match(coloured, /\x1b\[1;31merror:\x1b\[0m/);
    assert.equal(coloured.replace(/\x1b\[[\d;]*m/g, ''), plain, 'same text under the colour');
  });

  it('text --verbose: the model and the notes', () => {
    const out = textFormat.render([report], summary, ctx({ verbose: true }));
    assert.match(out, /^drv\/x\.c: note: API model unpin_user_page \(set by the user\)$/m);
    assert.match(
      out,
      /^drv\/x\.c:3:1: note: pin_user_pages_fast\(\): no missing-release reported: pages live in ctx->pages, which outlives the call$/m,
    );
  });

  it('json: 1-based positions, the related file, the fix edits', () => {
    const j = JSON.parse(jsonFormat.render([report], summary, ctx()));
    assert.deepEqual(j.findings[0], {
      file: 'drv/x.c',
      line: 10,
      column: 2,
      endLine: 10,
      endColumn: 18,
      rule: 'release-count',
      severity: 'error',
      messageId: 'requestedCount',
      message:
        'unpin_user_pages() releases nr pages, but pin_user_pages_fast() (line 5) may have taken fewer (a partial pin): release the number it returned (ret)',
      related: [{ file: 'other.c', line: 5, column: 8, message: 'pages taken here by pin_user_pages_fast()' }],
      fixes: [
        { title: 'release ret pages', edits: [{ line: 10, column: 31, endLine: 10, endColumn: 33, newText: 'ret' }] },
      ],
    });
  });

  it('sarif: relative, absolute and stdin locations; levels; rule index', () => {
    assert.deepEqual(artifactLocation('drv/x y.c'), { uri: 'drv/x%20y.c', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('./drv/x.c'), { uri: 'drv/x.c', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('/abs/x.c'), { uri: 'file:///abs/x.c' });
    assert.deepEqual(artifactLocation('-'), { uri: 'stdin' });
    const log = toSarifLog(
      [
        report,
        {
          ...report,
          file: '-',
          findings: [{ ...finding, severity: 'hint', rule: 'batch-release', messageId: 'oneCall' }],
        },
      ],
      '9.9.9',
      '/work/x',
    );
    const [a, b] = log.runs[0]!.results!;
    assert.equal(a!.level, 'error');
    assert.equal(b!.level, 'note');
    assert.equal(log.runs[0]!.tool.driver.rules![b!.ruleIndex!]!.id, 'batch-release');
    assert.equal(a!.relatedLocations![0]!.physicalLocation!.artifactLocation!.uri, 'other.c');
    assert.equal(log.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri, 'file:///work/x/');
  });
});

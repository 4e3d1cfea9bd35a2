/**
 * `gup-review check` on patches and mails, end to end through the built CLI (dist/cli.js: `npm
 * test` builds it first; run `npm run build` before running this file alone).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FIXTURE_TREE, PATCH_FIXTURES, fixture, lineOf } from './patch-fixtures.ts';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

function run(args: string[], stdin?: string): { code: number | null; stdout: string; stderr: string } {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is built (npm run build)');
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: PATCH_FIXTURES,
    input: stdin,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PUT_LINE = (name: string, quoted = '+\tput_page(page);') => lineOf(fixture(name), quoted) + 1;

test('check x.patch: gcc-style line on the + line of the patch, exit 1', () => {
  const r = run(['check', 'plain.diff']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    // "(line N)" names the acquisition's line in the input itself, not in the post-image
    new RegExp(
      `^plain\\.diff:${PUT_LINE('plain.diff')}:3: warning: .*\\(line ${PUT_LINE('plain.diff', '+\tret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);')}\\).*\\[gup/wrong-release\\]$`,
      'm',
    ),
  );
});

test('cat x.patch | check -: the same finding on stdin', () => {
  const r = run(['check', '-'], fixture('plain.diff'));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`^-:${PUT_LINE('plain.diff')}:3: warning: `, 'm'));
});

test('--format checkpatch on stdin: checkpatch --terse lines and the total line', () => {
  const r = run(['check', '--format', 'checkpatch', '-'], fixture('plain.diff'));
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  assert.match(
    lines[0]!,
    new RegExp(`^-:${PUT_LINE('plain.diff')}: WARNING:GUP_WRONG_RELEASE: pages pinned by pin_user_pages_fast\\(\\) `),
  );
  assert.equal(lines[1], `total: 0 errors, 1 warnings, ${fixture('plain.diff').split('\n').length - 1} lines checked`);
});

test('--format checkpatch on a clean patch prints nothing (as checkpatch -q) and exits 0', () => {
  const r = run(['check', '--format', 'checkpatch', '-'], fixture('arrives/put-to-unpin-conversion.diff'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
});

test('--tree: the pre-image gives the finding; a hunk that does not apply is reported', () => {
  const r = run(['check', '--format', 'checkpatch', '--tree', FIXTURE_TREE, 'broken-hunk.patch']);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(
    lines[0]!,
    /^broken-hunk\.patch: WARNING:GUP_PATCH_INPUT: .*hunk @@ -32,5 \+32,5 @@ \(line 24\).* does not apply/,
  );
  assert.match(
    lines[1]!,
    new RegExp(`^broken-hunk\\.patch:${PUT_LINE('broken-hunk.patch')}: WARNING:GUP_WRONG_RELEASE: `),
  );
  assert.match(lines[2]!, /^total: 0 errors, 2 warnings, \d+ lines checked$/);
});

test('--format reply on a reply mail: quoted hunk lines, the finding, the suggested line', () => {
  const r = run(['check', '--format', 'reply', 'reply-depth1.eml']);
  assert.equal(r.code, 1, r.stderr);
  const out = r.stdout.split('\n');
  assert.equal(out[0], 'Subject: Re: [PATCH 3/4] gupdemo: peek at one user word');
  assert.equal(out[1], '');
  assert.equal(out[2], '> > @@ -21,3 +21,16 @@ static int gupdemo_sum_range(unsigned long uaddr, int nr, u32 *sum)');
  const put = out.indexOf('> > +\tput_page(page);');
  assert.ok(put > 2, r.stdout);
  assert.deepEqual(out.slice(put - 3, put), [
    '> > +\tif (ret != 1)',
    '> > +\t\treturn ret < 0 ? ret : -EFAULT;',
    '> > +\t*val = *(u32 *)page_address(page);',
  ]);
  assert.equal(out[put + 1], '');
  // the mail's own line of the quoted acquisition
  const acq = PUT_LINE('reply-depth1.eml', '> +\tret = pin_user_pages_fast(uaddr, 1, 0, &page);');
  assert.match(
    out[put + 2]!,
    new RegExp(`^pages pinned by pin_user_pages_fast\\(\\) \\(line ${acq}\\) are released with$`),
  );
  const sug = out.indexOf('\tunpin_user_page(page);');
  assert.equal(out[sug - 1], '');
  assert.equal(out[sug + 1], '');
});

test('series mbox: JSON and SARIF name the mbox and the line of patch 3/4', () => {
  const line = PUT_LINE('series.mbox');
  const json = JSON.parse(run(['check', '--format', 'json', 'series.mbox']).stdout) as {
    findings: Array<{ file: string; line: number; rule: string }>;
  };
  assert.deepEqual(
    json.findings.map((f) => [f.file, f.line, f.rule]),
    [['series.mbox', line, 'wrong-release']],
  );
  const sarif = JSON.parse(run(['check', '--format', 'sarif', 'series.mbox']).stdout) as {
    runs: Array<{
      results: Array<{
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
      }>;
    }>;
  };
  const loc = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation;
  assert.equal(loc.artifactLocation.uri, 'series.mbox');
  assert.equal(loc.region.startLine, line);
});

test('each input shape through the CLI: the finding is on the line showing put_page()', () => {
  for (const [name, quoted] of [
    ['reply-depth2.eml', '> > +\tput_page(page);'],
    ['reply-nospace.eml', '>+\tput_page(page);'],
    ['quoted-printable.eml', '+\tput_page(page);'],
  ] as const) {
    const r = run(['check', '--format', 'checkpatch', name]);
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.match(
      r.stdout,
      new RegExp(`^${name.replace('.', '\\.')}:${PUT_LINE(name, quoted)}: WARNING:GUP_WRONG_RELEASE: `, 'm'),
      name,
    );
  }
});

test('base64 mail, multipart attachments and a CRLF patch on stdin through the CLI', () => {
  const b64 = run(['check', '--format', 'json', 'base64.eml']);
  assert.equal(b64.code, 1, b64.stderr);
  const [f] = (JSON.parse(b64.stdout) as { findings: Array<{ line: number; column: number; rule: string }> }).findings;
  const lines = fixture('base64.eml').split('\n');
  assert.equal(f!.rule, 'wrong-release');
  assert.equal(f!.column, 1, 'the whole encoded line');
  assert.match(lines[f!.line - 1]!, /^[A-Za-z0-9+/=]+$/);
  const att = run(['check', '--format', 'checkpatch', '--tree', FIXTURE_TREE, 'attachments.eml']);
  assert.equal(att.code, 1, att.stderr);
  assert.equal(
    att.stdout
      .trimEnd()
      .split('\n')
      .filter((l) => l.includes('GUP_WRONG_RELEASE')).length,
    2,
    att.stdout,
  );
  const crlf = run(['check', '--format', 'checkpatch', '-'], fixture('plain.diff').replace(/\n/g, '\r\n'));
  assert.equal(crlf.code, 1, crlf.stderr);
  assert.match(crlf.stdout, new RegExp(`^-:${PUT_LINE('plain.diff')}: WARNING:GUP_WRONG_RELEASE: `, 'm'));
});

test('--fix rewrites the + line of a patch in place, and the patch keeps its shape', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-patch-fix-'));
  const file = path.join(dir, 'plain.diff');
  const before = fixture('plain.diff');
  fs.writeFileSync(file, before);
  const diff = run(['check', '--diff', file]);
  assert.equal(diff.code, 1);
  assert.match(diff.stdout, /^-\+\tput_page\(page\);$/m);
  assert.match(diff.stdout, /^\+\+\tunpin_user_page\(page\);$/m);
  assert.equal(fs.readFileSync(file, 'utf8'), before, '--diff writes nothing');
  const fix = run(['check', '--fix', file]);
  assert.equal(fix.code, 0, fix.stdout + fix.stderr);
  const after = fs.readFileSync(file, 'utf8');
  assert.equal(after.split('\n').length, before.split('\n').length);
  assert.equal(after, before.replace('+\tput_page(page);', '+\tunpin_user_page(page);'));
});

test('--fix never rewrites received mail, and says so', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-mail-fix-'));
  const file = path.join(dir, 'reply.eml');
  const before = fixture('reply-depth1.eml');
  fs.writeFileSync(file, before);
  const r = run(['check', '--fix', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /received mail and is never rewritten/);
  assert.equal(fs.readFileSync(file, 'utf8'), before);
});

test('--verbose on a base64 mail names the model its findings were made in, and the evidence', () => {
  const r = run(['check', '--verbose', 'base64.eml']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /use unpin_user_page\(\)/);
  assert.match(
    r.stdout,
    /^base64\.eml: note: API model unpin_user_page \(auto: no kernel tree and no put_user_page\*\(\) call in the patch: upstream/m,
  );
});

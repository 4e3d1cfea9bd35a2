/**
 * `gup-review inventory`: one row per acquisition site, in text, JSON, CSV and HTML. Its counts
 * per family are checked against a grep-level count of the calls in the same files (the
 * differences: definitions of the API functions and mentions in comments, which grep also
 * matches, and wrapper call sites, which it does not); the rows of a module
 * of ours say where the pages go, across files; the HTML is one self-contained page.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './cli-support.ts';

const ROOT = join(__dirname, '..', '..');
const DIRS = [join(ROOT, 'examples'), join(ROOT, 'test', 'fixtures', 'modules')];

interface Inventory {
  summary: { totals: { sites: number; byFamily: Record<string, number>; byStatus: Record<string, number> } };
  sites: Array<{
    file: string;
    line: number;
    call: string;
    family: string;
    status: string;
    goes: string[];
    findings: unknown[];
    subsystem: string;
  }>;
}

function inventory(args: string[]): Inventory {
  const r = runCli(['inventory', '--format', 'json', '--api', 'unpin_user_page', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Inventory;
}

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? cFiles(p) : p.endsWith('.c') ? [p] : [];
  });
}

/**
 * grep -E '\b(pin_user_pages\w*|get_user_pages\w*)\s*\(' per family, and what grep counts that
 * are no call sites: definitions of the API functions, and mentions in comments.
 */
function grepCount(files: string[]) {
  const counts = { pin: 0, gup: 0, definitions: 0, comments: 0 };
  for (const f of files)
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      for (const m of line.matchAll(/\b(pin_user_pages\w*|get_user_pages\w*)\s*\(/g)) {
        if (/^\s*(?:\*|\/\/|\/\*)/.test(line)) counts.comments++;
        else if (/^\w[\w\s*]*\b(?:pin|get)_user_pages\w*\s*\(/.test(line)) counts.definitions++;
        else if (m[1]!.startsWith('pin_')) counts.pin++;
        else counts.gup++;
      }
    }
  return counts;
}

test('counts per family agree with a grep-level count of the calls (definitions, comments and wrapper calls excepted)', () => {
  const inv = inventory(DIRS);
  const grep = grepCount(DIRS.flatMap(cFiles));
  assert.ok(
    grep.definitions >= 2,
    'api-defined-in-module defines two API functions: grep sees them, the inventory does not',
  );
  // The inventory also lists the call sites of wrappers (ybuf_pin_one() in wrapper-in-other-file):
  // grep sees only the API call inside the wrapper.
  const wrapperSites = (family: string) =>
    inv.sites.filter((x) => x.family === family && !/^(?:pin|get)_user_pages/.test(x.call)).length;
  assert.ok(wrapperSites('pin') >= 1, 'a wrapper call site is in the fixtures');
  assert.equal(inv.summary.totals.byFamily.pin! - wrapperSites('pin'), grep.pin);
  assert.equal(inv.summary.totals.byFamily.gup! - wrapperSites('gup'), grep.gup);
  assert.equal(inv.summary.totals.sites, inv.sites.length);
});

test('the pin of pin-field-teardown goes to reset.c, with the wrong kind, and carries that finding', () => {
  const inv = inventory([join(DIRS[1]!, 'pin-field-teardown')]);
  assert.equal(inv.sites.length, 1);
  const [site] = inv.sites;
  assert.equal(site!.status, 'finding');
  assert.ok(
    site!.goes.some((g) =>
      /through demo_dev::pages in demo_reset\(\) of .*reset\.c with put_page\(\) \(wrong kind\)/.test(g),
    ),
    site!.goes.join('\n'),
  );
  assert.deepEqual(site!.findings, [
    { rule: 'wrong-release', file: join(DIRS[1]!, 'pin-field-teardown', 'reset.c'), line: 11 },
  ]);
  const fixed = inventory([join(DIRS[1]!, 'pin-field-teardown-fixed')]);
  assert.equal(fixed.sites[0]!.status, 'ok');
});

test('CSV has a header and one row per site; text ends with the totals', () => {
  const json = inventory(DIRS);
  const csv = runCli(['inventory', '--format', 'csv', '--api', 'unpin_user_page', ...DIRS]);
  const lines = csv.stdout.trimEnd().split('\r\n');
  assert.equal(
    lines[0],
    'subsystem,file,line,function,call,family,needs,longterm,write,flags,everyPath,status,goes,findings',
  );
  assert.equal(lines.length - 1, json.sites.length);
  const text = runCli(['inventory', '--api', 'unpin_user_page', ...DIRS]);
  assert.match(
    text.stdout.trimEnd().split('\n').at(-1)!,
    new RegExp(`^gup-review inventory: ${json.sites.length} acquisition sites`),
  );
});

test('the HTML report is one page with its charts inline and nothing fetched', () => {
  const r = runCli(['inventory', '--format', 'html', '--api', 'unpin_user_page', ...DIRS]);
  assert.equal(r.code, 0, r.stderr);
  const html = r.stdout;
  assert.equal((html.match(/<svg /g) ?? []).length, 2, 'two charts');
  assert.equal((html.match(/<tr data-status=/g) ?? []).length, inventory(DIRS).sites.length);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|url\(http/);
  // Only the SVG namespaces' names are addresses, and nothing is fetched from them.
  assert.doesNotMatch(html.replace(/http:\/\/www\.w3\.org\/[\w/]+/g, ''), /https?:\/\//, 'no network address');
  assert.match(html, /href="vscode:\/\/file\/[^"]+:\d+:\d+"/);
});

test('the series view: the sites a patch adds and converts, with the family before and after', () => {
  const patches = join(ROOT, 'test', 'fixtures', 'patches');
  const r = runCli([
    'inventory',
    '--format',
    'json',
    '--api',
    'unpin_user_page',
    join(patches, 'arrives', 'put-to-unpin-conversion.diff'),
    join(patches, 'series-ownership', 'wrong.mbox'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const inv = JSON.parse(r.stdout) as {
    series: Array<{
      sites: Array<{
        change: string;
        call: string;
        family: string;
        line: number;
        before?: { call: string; family: string };
      }>;
      changes: Record<string, number>;
    }>;
  };
  const [conversion, series] = inv.series;
  assert.deepEqual(conversion!.changes, { added: 0, converted: 1, changed: 0, removed: 0 });
  const [c] = conversion!.sites;
  assert.equal(
    `${c!.before!.call} ${c!.before!.family} → ${c!.call} ${c!.family}`,
    'get_user_pages_fast gup → pin_user_pages_fast pin',
  );
  assert.equal(c!.line, 10);
  assert.deepEqual(series!.changes, { added: 1, converted: 0, changed: 0, removed: 0 });
});

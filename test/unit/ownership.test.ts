/**
 * Ownership across files: each folder of test/fixtures/modules/ is a module of our own. Its
 * `.c` files mark the lines that must be reported with `// expect: rule` (or `expect(upstream)` /
 * `expect(2019)`), as the single-file fixtures do; checking the folder must report exactly those,
 * in both models, with the acquisition in the other file as related location. Checking a
 * releasing file alone keeps today's single-file behaviour. The index itself is tested on facts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OwnershipIndex } from '../../server/src/core/ownership/ownership-index.ts';
import { extractFileFacts } from '../../server/src/core/analyze.ts';
import { createCParser, parseKernelC } from '../../server/src/core/parser.ts';
import { runCli } from './cli-support.ts';

const root = join(__dirname, '..', 'fixtures', 'modules');
const modules = readdirSync(root).sort();
const MODELS = [
  ['unpin_user_page', 'upstream'],
  ['put_user_page', '2019'],
] as const;

function expected(dir: string, tag: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c'))) {
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(/expect(?:\((\w+)\))?:\s*([\w-]+)/g))
          if (!m[1] || m[1] === tag) out.push(`${f}:${i + 1}:${m[2]}`);
      });
  }
  return out.sort();
}

interface JsonFinding {
  file: string;
  line: number;
  rule: string;
  message: string;
  related: Array<{ file: string; line: number; message: string }>;
}

function check(args: string[]): JsonFinding[] {
  const r = runCli(['check', '--format', 'json', ...args]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

const base = (p: string) => p.split('/').pop()!;

describe('modules: ownership across files', () => {
  test('every module says what idiom it is, and the idioms expect something', () => {
    let expecting = 0;
    for (const m of modules) {
      const headers = readdirSync(join(root, m))
        .map((f) => readFileSync(join(root, m, f), 'utf8'))
        .join('\n');
      assert.match(headers, m.endsWith('-fixed') ? /Fixed:/ : /Idiom:/, `${m} has no Idiom:/Fixed: header`);
      const any = MODELS.some(([, tag]) => expected(join(root, m), tag).length > 0);
      if (m.endsWith('-fixed')) assert.ok(!any, `${m} is a fixed module and expects nothing`);
      else if (any) expecting++;
    }
    assert.ok(expecting >= 2, 'at least two modules expect findings');
  });

  for (const m of modules) {
    for (const [api, tag] of MODELS) {
      test(`${m} (${tag}): checking the folder reports the marked lines, and only those`, () => {
        const dir = join(root, m);
        const got = check(['--api', api, dir]).map((f) => `${base(f.file)}:${f.line}:${f.rule}`);
        assert.deepEqual(got.sort(), expected(dir, tag));
      });
    }
  }

  test('the release in reset.c names main.c: in the message, and as related location', () => {
    const dir = join(root, 'pin-field-teardown');
    const [f, ...rest] = check(['--api', 'unpin_user_page', dir]);
    assert.equal(rest.length, 0);
    assert.equal(base(f!.file), 'reset.c');
    assert.match(f!.message, /main\.c:14 in demo_pin_buffer\(\)/);
    assert.equal(base(f!.related[0]!.file), 'main.c');
    assert.equal(f!.related[0]!.line, 14);
  });

  test('two files named on the command line are a module too; one file alone is checked alone', () => {
    const dir = join(root, 'pin-field-teardown');
    const both = check(['--api', 'unpin_user_page', join(dir, 'main.c'), join(dir, 'reset.c')]);
    assert.deepEqual(
      both.map((f) => `${base(f.file)}:${f.line}`),
      ['reset.c:11'],
    );
    assert.deepEqual(check(['--api', 'unpin_user_page', join(dir, 'reset.c')]), []);
  });

  test('SARIF carries the other file as a related location', () => {
    const dir = join(root, 'pin-field-teardown');
    const r = runCli(['check', '--format', 'sarif', '--api', 'unpin_user_page', dir]);
    const sarif = JSON.parse(r.stdout) as {
      runs: Array<{
        results: Array<{ relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
      }>;
    };
    const related = sarif.runs[0]!.results[0]!.relatedLocations ?? [];
    assert.ok(related.some((l) => l.physicalLocation.artifactLocation.uri.endsWith('main.c')));
  });
});

describe('the ownership index', () => {
  async function factsOf(text: string) {
    const parser = await createCParser();
    const tree = parseKernelC(parser, text);
    const facts = extractFileFacts(text, tree, { api: 'unpin_user_page' });
    tree.delete();
    parser.delete();
    return facts;
  }
  const STRUCT = 'struct demo_dev { struct page **pages; int n; };\n';
  const PIN =
    STRUCT +
    'int demo_pin(struct demo_dev *d, unsigned long a)\n{\n\tint ret = pin_user_pages_fast(a, 4, 0, d->pages);\n' +
    '\tif (ret != 4) {\n\t\tif (ret > 0)\n\t\t\tunpin_user_pages(d->pages, ret);\n\t\treturn -EFAULT;\n\t}\n\treturn 0;\n}\n';
  const PUT = STRUCT + 'void demo_put(struct demo_dev *d)\n{\n\tput_page(d->pages[0]);\n}\n';
  const KERNEL =
    STRUCT +
    'void demo_fill(struct demo_dev *d)\n{\n\td->pages[0] = virt_to_page(d->buf);\n\tput_page(d->pages[1]);\n}\n';

  test("a file's view holds the other files' acquisitions, not its own", async () => {
    const index = new OwnershipIndex();
    index.set('main.c', await factsOf(PIN));
    index.set('reset.c', await factsOf(PUT));
    const forReset = index.fieldsFor('reset.c').get('demo_dev::pages');
    assert.ok(forReset);
    assert.deepEqual(
      forReset.sources.map((s) => `${s.file}:${s.range.start.line + 1}:${s.name}`),
      ['main.c:4:pin_user_pages_fast'],
    );
    // main.c's own error-path unpin is not evidence of another kind of page in the field.
    assert.deepEqual(forReset.releasedWith, []);
    assert.equal(forReset.otherSource, false);
    assert.deepEqual(index.fieldsFor('main.c').get('demo_dev::pages')?.sources, []);
    assert.deepEqual(index.fieldsFor('main.c').get('demo_dev::pages')?.releasedWith, ['ref']);
    assert.ok(index.concerns('reset.c'));
  });

  test('another file filling the field from elsewhere marks it, and replacing a file updates the view', async () => {
    const index = new OwnershipIndex();
    index.set('main.c', await factsOf(PIN));
    index.set('reset.c', await factsOf(PUT));
    index.set('fill.c', await factsOf(KERNEL));
    assert.equal(index.fieldsFor('reset.c').get('demo_dev::pages')?.otherSource, true);
    index.delete('fill.c');
    assert.equal(index.fieldsFor('reset.c').get('demo_dev::pages')?.otherSource, false);
    index.set('main.c', undefined);
    assert.equal(index.concerns('reset.c'), false);
  });
});

describe('gup-review trace FILE:LINE', () => {
  const dir = join(root, 'pin-field-teardown');
  interface TraceJson {
    acquisition: { file: string; line: number; call: string; needs?: string };
    field?: string;
    summary: string;
    releases: Array<{ file: string; line: number; call: string; verdict: string; via: string; findings: unknown[] }>;
  }
  const trace = (target: string) => {
    const r = runCli(['trace', '--api', 'unpin_user_page', '--format', 'json', target]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as TraceJson;
  };

  test("the acquisition's trail crosses into reset.c, with each release judged", () => {
    const t = trace(join(dir, 'main.c:14'));
    assert.equal(t.acquisition.call, 'pin_user_pages_fast');
    assert.equal(t.field, 'demo_dev::pages');
    assert.deepEqual(
      t.releases.map((r) => `${base(r.file)}:${r.line} ${r.call} ${r.verdict} ${r.via} ${r.findings.length}`),
      ['main.c:17 unpin_user_pages right flow 0', 'reset.c:11 put_page WRONG field 1'],
    );
    assert.match(t.summary, /^pinned · 2 releases · 1 wrong/);
  });

  test("a release's line traces the acquisition it releases, in the other file", () => {
    const t = trace(join(dir, 'reset.c:11'));
    assert.equal(base(t.acquisition.file), 'main.c');
    assert.equal(t.acquisition.line, 14);
  });

  test("a trail through another file's helper agrees with check: the helper's put_page() is judged", () => {
    const t = trace(join(root, 'helper-in-other-file', 'map.c:14'));
    assert.deepEqual(
      t.releases.map((r) => `${base(r.file)}:${r.line} ${r.call} ${r.verdict} ${r.findings.length}`),
      ['map.c:20 xbuf_put_pages WRONG 1'],
    );
    assert.match(t.summary, /^pinned · 1 release · 1 wrong/);
  });

  test("a helper's own release line lists the acquisitions whose pages reach it, from every file of the module", () => {
    const r = runCli([
      'trace',
      '--api',
      'unpin_user_page',
      '--format',
      'json',
      join(root, 'helper-shared-by-callers', 'zring.c:20'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout) as {
      helperRelease: { file: string; line: number; call: string; helper: string };
      acquisitions: TraceJson[];
    };
    assert.deepEqual(
      [base(t.helperRelease.file), t.helperRelease.line, t.helperRelease.call, t.helperRelease.helper],
      ['zring.c', 20, 'put_page', 'zring_drop_pages'],
    );
    assert.deepEqual(
      t.acquisitions.map((a) => `${base(a.acquisition.file)}:${a.acquisition.line} ${a.acquisition.call}`).sort(),
      ['zring.c:31 get_user_pages_fast', 'zring_pin.c:14 pin_user_pages_fast'],
    );
    assert.deepEqual(
      t.acquisitions.map((a) => a.releases.map((x) => `${base(x.file)}:${x.line} ${x.verdict}`).join()).sort(),
      ['zring.c:36 right', 'zring_pin.c:19 WRONG'],
    );
    // The other file's helper (util.c), in text: its line, then the caller's trail.
    const text = runCli(['trace', '--api', 'unpin_user_page', join(root, 'helper-in-other-file', 'util.c:10')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /util\.c:10:3: put_page\(\) in xbuf_put_pages\(\): releases the pages of 1 acquisition/);
    assert.match(text.stdout, /map\.c:14:8: pin_user_pages_fast\(\) in xbuf_map\(\): pinned/);
    // A helper that releases one way per case: each of its release lines says it is one of them,
    // and lists the caller's acquisitions, each judged for the case it is taken under.
    const cases = runCli([
      'trace',
      '--api',
      'unpin_user_page',
      join(root, 'helper-shared-by-callers', 'zring_pin.c:37'),
    ]);
    assert.equal(cases.code, 0, cases.stderr);
    assert.match(
      cases.stdout,
      /zring_pin\.c:37:3: unpin_user_pages\(\) in zring_drop_for\(\): one of the helper's releases; 2 acquisitions/,
    );
    assert.match(
      cases.stdout,
      /get_user_pages_fast\(\) in zring_map_cmd\(\)[^\n]*\n[^\n]*right \(releases with put_page\(\)\)/,
    );
    assert.match(
      cases.stdout,
      /pin_user_pages_fast\(\) in zring_map_cmd\(\)[^\n]*\n[^\n]*right \(releases with unpin_user_pages\(\)\)/,
    );
    // The helper's other lines are still no target.
    assert.equal(runCli(['trace', join(root, 'helper-in-other-file', 'util.c:9')]).code, 2);
  });

  test("two acquisitions reaching the same release line keep their own findings (2019: only the reference case's is wrong)", () => {
    const r = runCli([
      'trace',
      '--api',
      'put_user_page',
      '--format',
      'json',
      join(root, 'helper-shared-by-callers', 'zring_pin.c:37'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout) as { acquisitions: TraceJson[] };
    assert.deepEqual(
      t.acquisitions.map(
        (a) => `${a.acquisition.call} ${a.releases.map((x) => `${x.line} ${x.verdict} ${x.findings.length}`).join()}`,
      ),
      ['get_user_pages_fast 58 WRONG 1', 'pin_user_pages_fast 58 right 0'],
    );
  });

  test('the text form names both files; a line with no call is an error with exit 2', () => {
    const r = runCli(['trace', '--api', 'unpin_user_page', join(dir, 'main.c:14')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reset\.c:11:3: put_page\(\) in demo_reset\(\): WRONG/);
    const bad = runCli(['trace', join(dir, 'main.c:2')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no acquisition or release of user pages on that line/);
    assert.equal(runCli(['trace', 'no-line.c']).code, 2);
  });
});

describe('the API is the table, wherever it is defined', () => {
  test('a module defining pin_user_pages_fast() (as mm/gup.c does) lends no helper or wrapper of that name', async () => {
    const dir = join(root, 'api-defined-in-module');
    const parser = await createCParser();
    const index = new OwnershipIndex();
    for (const f of ['gup.c', 'user.c']) {
      const text = readFileSync(join(dir, f), 'utf8');
      const tree = parseKernelC(parser, text);
      index.set(f, extractFileFacts(text, tree, { api: 'unpin_user_page' }));
      tree.delete();
    }
    parser.delete();
    // gup.c's definitions release pages on their error paths: in its own facts they are helpers.
    const defs = index.factsOf('gup.c')!.functions.filter((fn) => fn.releasesParams.length > 0);
    assert.ok(defs.length > 0, 'the fixture defines releasing API functions');
    assert.equal(index.functionsFor('user.c'), undefined);
    // The same for every role the table knows: a slab allocator's kfree() frees pages in its body
    // (mm/slob.c), and kfree(pages) after a pin is still the array's free, not a page release.
    const slobText =
      'void kfree(const void *block)\n{\n\tstruct page *sp = virt_to_page(block);\n\t__free_pages(sp, 0);\n}\n';
    const p2 = await createCParser();
    const slob = parseKernelC(p2, slobText);
    index.set('slob.c', extractFileFacts(slobText, slob, { api: 'unpin_user_page' }));
    slob.delete();
    p2.delete();
    assert.ok(index.factsOf('slob.c')!.functions.some((fn) => fn.name === 'kfree' && fn.releasesParams.length > 0));
    index.factsOf('user.c')!.functions[0]!.calls.push('kfree');
    assert.equal(index.functionsFor('user.c'), undefined);
  });
});

describe('--verbose says when the acquisition is outside what was checked', () => {
  test('a releasing file named alone: not analysed alone, and why', () => {
    const r = runCli(['check', '--verbose', join(root, 'pin-field-teardown', 'reset.c')]);
    assert.equal(r.code, 0);
    assert.match(
      r.stderr,
      /reset\.c: note: names no get_user_pages\*\/pin_user_pages\* call, so it is not analysed alone/,
    );
  });

  test('an unpin of a field no acquisition in view fills is noted, and the note goes once the pin is in view', () => {
    const dir = join(root, 'pin-field-teardown-fixed');
    const alone = runCli(['check', '--verbose', '--format', 'json', '--api', 'unpin_user_page', join(dir, 'reset.c')]);
    // reset.c names no acquisition: skipped alone; checked with main.c, its unpin is paired.
    assert.match(alone.stderr, /not analysed alone/);
    const both = runCli(['check', '--verbose', '--api', 'unpin_user_page', dir]);
    assert.doesNotMatch(both.stdout + both.stderr, /no acquisition in what was checked fills that field/);
    const onlyUnpin = runCli(['check', '--verbose', '--api', 'unpin_user_page', '-'], {
      input:
        'struct demo_dev { struct page **pages; int n; };\nvoid demo_drop(struct demo_dev *dev)\n{\n\tunpin_user_pages(dev->pages, dev->n);\n}\n' +
        'int demo_pin(unsigned long a, struct page **p)\n{\n\treturn pin_user_pages_fast(a, 1, 0, p);\n}\n',
    });
    assert.match(
      onlyUnpin.stdout,
      /-:4:2: note: unpin_user_pages\(\) of struct demo_dev's pages: no acquisition in what was checked fills that field/,
    );
  });
});

test('all modules checked in one run report what each reports alone: a module is its directory', () => {
  for (const [api, tag] of MODELS) {
    const got = check(['--api', api, root]).map((f) => `${f.file.split('/').slice(-2).join('/')}:${f.line}:${f.rule}`);
    const want = modules.flatMap((m) => expected(join(root, m), tag).map((e) => `${m}/${e}`));
    assert.deepEqual(got.sort(), want.sort(), tag);
  }
});

test('the worker pool runs the ownership pass (module-mates, re-checks with the view) as one thread does', () => {
  for (const [api, tag] of MODELS) {
    const one = runCli(['check', '--format', 'json', '--api', api, '--jobs', '1', root]);
    const two = runCli(['check', '--format', 'json', '--api', api, '--jobs', '2', root]);
    assert.ok(one.code === 0 || one.code === 1, one.stderr);
    assert.equal(two.code, one.code, two.stderr);
    const findings = (JSON.parse(one.stdout) as { findings: JsonFinding[] }).findings;
    // Cross-file findings exist (a related location in another file), so the pass did something.
    assert.ok(
      findings.some((f) => f.related.some((r) => r.file !== f.file)),
      `${tag}: no finding with its acquisition in another file`,
    );
    assert.equal(two.stdout, one.stdout, tag);
  }
});

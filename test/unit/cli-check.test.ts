/** `gup-review check`: exit codes, text and JSON output, input errors, directories, stdin, the worker pool. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLEAN_C, makeTree, runCli, UNRELATED_C, WRONG_RELEASE_C } from './cli-support.ts';

describe('gup-review check', () => {
  let tree: ReturnType<typeof makeTree>;
  before(() => {
    tree = makeTree({
      'drivers/demo/wrong.c': WRONG_RELEASE_C,
      'drivers/demo/clean.c': CLEAN_C,
      'drivers/demo/unrelated.c': UNRELATED_C,
      'drivers/demo/notes.txt': WRONG_RELEASE_C, // not .c/.h: never walked
      'binary.c': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
      'latin1.c': Buffer.from('/* caf\xe9 */ int get_user_pages_fast;\n', 'latin1'),
    });
  });
  after(() => tree.cleanup());

  it('exits 0 on a clean file and prints the summary line', () => {
    const r = runCli(['check', 'drivers/demo/clean.c'], { cwd: tree.dir });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /^gup-review: 1 file checked \(1 analysed\), 0 findings: 0 errors, 0 warnings, 0 info, 0 hints\n$/,
    );
  });

  it('exits 1 with gcc-style lines for a wrong release, with the acquisition as a note', () => {
    const r = runCli(['check', '--api', 'unpin_user_page', 'drivers/demo/wrong.c'], { cwd: tree.dir });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^drivers\/demo\/wrong\.c:12:2: warning: .*put_page.* \[gup\/wrong-release\]$/);
    assert.match(lines[1]!, /^drivers\/demo\/wrong\.c:9:\d+: note: .*pin_user_pages_fast/);
    assert.match(
      lines.at(-1)!,
      /^gup-review: 1 file checked \(1 analysed\), 1 finding: 0 errors, 1 warning, 0 info, 0 hints$/,
    );
    assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');
  });

  it('walks directories for .c/.h only, skipping files that name no acquisition', () => {
    const r = runCli(['check', 'drivers'], { cwd: tree.dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /gup-review: 3 files checked \(2 analysed\), 1 finding/);
    assert.doesNotMatch(r.stdout, /notes\.txt/);
  });

  it('prints the JSON contract with 1-based positions and bare rule ids', () => {
    const r = runCli(['check', '--format', 'json', 'drivers/demo/wrong.c', 'drivers/demo/clean.c'], { cwd: tree.dir });
    assert.equal(r.code, 1, r.stderr);
    const json = JSON.parse(r.stdout) as { findings: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(json), ['findings']);
    assert.equal(json.findings.length, 1);
    const f = json.findings[0]!;
    assert.deepEqual(
      Object.keys(f).sort(),
      [
        'column',
        'endColumn',
        'endLine',
        'file',
        'fixes',
        'line',
        'message',
        'messageId',
        'related',
        'rule',
        'severity',
      ].sort(),
    );
    assert.equal(f.file, 'drivers/demo/wrong.c');
    assert.equal(f.rule, 'wrong-release');
    assert.equal(f.severity, 'warning');
    assert.equal(f.line, 12);
    assert.equal(f.column, 2);
    assert.equal(f.endLine, 12);
    assert.equal(f.endColumn, 2 + 'put_page'.length);
    const related = f.related as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(related[0]!).sort(), ['column', 'file', 'line', 'message']);
    assert.equal(related[0]!.line, 9);
    const fixes = f.fixes as Array<{ title: string; edits: Array<Record<string, unknown>> }>;
    assert.equal(fixes[0]!.edits[0]!.newText, 'unpin_user_page');
    assert.deepEqual(Object.keys(fixes[0]!.edits[0]!).sort(), ['column', 'endColumn', 'endLine', 'line', 'newText']);
  });

  it('--rule changes the severity or turns a rule off', () => {
    const asError = runCli(['check', '--format', 'json', '--rule', 'wrong-release=error', 'drivers/demo/wrong.c'], {
      cwd: tree.dir,
    });
    assert.equal(JSON.parse(asError.stdout).findings[0].severity, 'error');
    const off = runCli(['check', '--rule', 'wrong-release=off', 'drivers/demo/wrong.c'], { cwd: tree.dir });
    assert.equal(off.code, 0, off.stdout + off.stderr);
    assert.match(off.stdout, /0 findings/);
  });

  it('rejects a bad --rule with one line and exit 2', () => {
    for (const bad of ['no-such-rule=error', 'wrong-release=loud', 'wrong-release']) {
      const r = runCli(['check', '--rule', bad, 'drivers/demo/wrong.c'], { cwd: tree.dir });
      assert.equal(r.code, 2, bad);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^gup-review: .*rule/);
    }
  });

  it('an unknown option is a usage error: one line, exit 2', () => {
    const r = runCli(['check', '--frobnicate', 'x.c'], { cwd: tree.dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "gup-review: unknown option '--frobnicate'\n");
    const both = runCli(['check', '--fix', '--diff', 'drivers/demo/wrong.c'], { cwd: tree.dir });
    assert.equal(both.code, 2);
    assert.equal(both.stderr.trimEnd().split('\n').length, 1);
    const fmt = runCli(['check', '--format', 'xml', 'drivers/demo/wrong.c'], { cwd: tree.dir });
    assert.equal(fmt.code, 2);
    assert.match(fmt.stderr, /^gup-review: .*xml.*\n$/);
  });

  it('a missing path: one clear line, exit 2, the other inputs still checked', () => {
    const r = runCli(['check', 'nope.c', 'drivers/demo/wrong.c'], { cwd: tree.dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'gup-review: no such file: nope.c\n');
    assert.match(r.stdout, /\[gup\/wrong-release\]/);
  });

  it('binary and invalid UTF-8 files: one line each, exit 2', () => {
    const r = runCli(['check', 'binary.c', 'latin1.c', 'drivers/demo/clean.c'], { cwd: tree.dir });
    assert.equal(r.code, 2);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      'gup-review: binary.c: binary file, not checked',
      'gup-review: latin1.c: not valid UTF-8, not checked',
    ]);
    assert.match(r.stdout, /2 inputs failed/);
  });

  it('an unreadable file: one line, exit 2', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, () => {
    const file = path.join(tree.dir, 'locked.c');
    fs.writeFileSync(file, WRONG_RELEASE_C, { mode: 0 });
    const r = runCli(['check', 'locked.c'], { cwd: tree.dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'gup-review: cannot read locked.c: permission denied\n');
  });

  it(
    'a file that fails to read (EIO, even as root): one line, exit 2',
    { skip: !fs.existsSync('/proc/self/mem') && 'needs Linux /proc' },
    () => {
      const r = runCli(['check', '/proc/self/mem', 'drivers/demo/clean.c'], { cwd: tree.dir });
      assert.equal(r.code, 2);
      assert.equal(r.stderr, 'gup-review: cannot read /proc/self/mem: input/output error\n');
      assert.match(r.stdout, /2 files checked \(1 analysed\)/);
    },
  );

  it('reads C from stdin with -', () => {
    const r = runCli(['check', '--api', 'unpin_user_page', '-'], { cwd: tree.dir, input: WRONG_RELEASE_C });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^-:12:2: warning: .*\[gup\/wrong-release\]/);
  });

  it('no arguments: help on stderr, exit 2; --help and --version exit 0', () => {
    const none = runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: gup-review/);
    const help = runCli(['check', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--format <format>/);
    const version = runCli(['--version']);
    assert.equal(version.code, 0);
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(version.stdout.trim(), pkg.version);
  });

  it('--verbose names the API model per analysed file', () => {
    const r = runCli(['check', '--verbose', 'drivers/demo/clean.c'], { cwd: tree.dir });
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /^drivers\/demo\/clean\.c: note: API model unpin_user_page \(auto: no kernel tree and no put_user_page\*\(\) call in the file: upstream/m,
    );
    const json = runCli(['check', '--verbose', '--format', 'json', 'drivers/demo/clean.c'], { cwd: tree.dir });
    assert.deepEqual(JSON.parse(json.stdout), { findings: [] }, 'JSON on stdout stays pure');
    assert.match(json.stderr, /API model unpin_user_page/);
  });

  it("--verbose names the evidence: a kernel tree's mm.h, or a put_user_page*() call outside a tree", () => {
    const t = makeTree({
      'linux/include/linux/mm.h': 'void put_user_page(struct page *page);\n',
      'linux/drivers/demo/wrong.c': WRONG_RELEASE_C,
      'loose/old.c': WRONG_RELEASE_C.replace('\tput_page(page);', '\tput_user_page(page);'),
    });
    try {
      const r = runCli(['check', '--verbose', 'linux/drivers/demo/wrong.c', 'loose/old.c'], { cwd: t.dir });
      assert.match(
        r.stdout,
        /^linux\/drivers\/demo\/wrong\.c: note: API model put_user_page \(auto: \S+\/linux\/include\/linux\/mm\.h declares put_user_page\(\) and not unpin_user_page\(\)\)$/m,
      );
      assert.match(
        r.stdout,
        /^loose\/old\.c: note: API model put_user_page \(auto: no kernel tree, the file calls put_user_page\(\) \(line 12\): the 2019 API\)$/m,
      );
    } finally {
      t.cleanup();
    }
  });

  it('follows directory symlinks once and survives symlink loops', () => {
    const loopTree = makeTree({ 'tree/a/wrong.c': WRONG_RELEASE_C, 'outside/other.c': WRONG_RELEASE_C });
    try {
      const tree = path.join(loopTree.dir, 'tree');
      fs.symlinkSync('..', path.join(tree, 'a', 'up')); // to the root: a loop
      fs.symlinkSync('../..', path.join(tree, 'a', 'upup')); // to an ancestor of the root: a loop too
      fs.symlinkSync(path.join(tree, 'a'), path.join(tree, 'again')); // inside the tree: walked already
      fs.symlinkSync('../outside', path.join(tree, 'out')); // outside: walked once…
      fs.symlinkSync('../outside', path.join(tree, 'out2')); // …not twice
      const r = runCli(['check', '--format', 'json', 'tree', 'tree/a'], { cwd: loopTree.dir });
      assert.equal(r.code, 1, r.stderr);
      const files = (JSON.parse(r.stdout) as { findings: Array<{ file: string }> }).findings.map((f) => f.file);
      assert.deepEqual(files, ['tree/a/wrong.c', 'tree/out/other.c']);
    } finally {
      loopTree.cleanup();
    }
  });

  it('the worker pool gives the same output as the single-thread run', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 60; i++)
      many[`d${i % 7}/f${i}.c`] = i % 3 === 0 ? WRONG_RELEASE_C : i % 3 === 1 ? CLEAN_C : UNRELATED_C;
    const big = makeTree(many);
    try {
      const one = runCli(['check', '--format', 'json', '--jobs', '1', '.'], { cwd: big.dir });
      const pool = runCli(['check', '--format', 'json', '--jobs', '2', '.'], { cwd: big.dir });
      assert.equal(one.code, 1, one.stderr);
      assert.equal(pool.code, 1, pool.stderr);
      assert.equal(JSON.parse(one.stdout).findings.length, 20);
      assert.equal(pool.stdout, one.stdout);
    } finally {
      big.cleanup();
    }
  });
});

/**
 * The CLI installed as users install it: `npm run package` packs gup-review-VERSION.tgz (its
 * pack step, server/scripts/pack-cli.mjs, is run here on the built dist/), and
 * `npm install -g --prefix DIR` of that tarball gives `gup-review` and `gup-review-server` on
 * DIR/bin that run from there, away from the source tree.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  homepage?: string;
  repository?: { url: string };
};
/** The test's own npm: without the outer `npm test`'s npm_config_* settings. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

let tmp: string;
let prefix: string;
let tarball: string;
const bin = (name: string) => path.join(prefix, 'bin', name);

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-install-'));
  prefix = path.join(tmp, 'prefix');
  const out = execFileSync(process.execPath, [path.join(ROOT, 'server', 'scripts', 'pack-cli.mjs'), '--out', tmp], {
    encoding: 'utf8',
    env,
  });
  tarball = out.trim();
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--offline', tarball], {
    encoding: 'utf8',
    env,
    cwd: tmp,
  });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the installable CLI', () => {
  it('npm run package packs the tarball too, and package.json names the project', () => {
    assert.match(pkg.scripts.package!, /pack-cli\.mjs/);
    assert.equal(path.basename(tarball), `gup-review-${pkg.version}.tgz`);
    assert.equal(pkg.homepage, 'https://github.com/gup-review/gup-review#readme');
    assert.match(pkg.repository?.url ?? '', /github\.com\/gup-review\/gup-review/);
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    assert.deepEqual(listing, [
      'package/CHANGELOG.md',
      'package/LICENSE',
      'package/README.md',
      'package/dist/cli.js',
      'package/dist/server.js',
      'package/dist/tree-sitter-c.wasm',
      'package/dist/web-tree-sitter.wasm',
      'package/package.json',
    ]);
  });

  it('README, the walkthrough and the tasks example say to install the tarball, never npx', () => {
    const install = `npm install -g ./gup-review-${pkg.version}.tgz`;
    for (const file of ['README.md', path.join('client', 'walkthrough', 'run-cli.md')]) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      assert.ok(text.includes(install), `${file} says ${install}`);
      assert.doesNotMatch(text, /npx gup-review (check|decode)|"command": "npx/, `${file} has no npx command`);
      assert.match(
        text,
        /"command": "gup-review check \$\{workspaceFolder\}"/,
        `${file}: the task runs the installed command`,
      );
    }
  });

  it('the installed gup-review runs from the global prefix: version, decode, check', () => {
    for (const name of Object.keys(pkg.bin)) assert.ok(fs.existsSync(bin(name)), `${name} on ${prefix}/bin`);
    const run = (args: string[]) => spawnSync(bin('gup-review'), args, { encoding: 'utf8', cwd: tmp, env });
    assert.equal(run(['--version']).stdout.trim(), pkg.version);
    const decoded = run(['decode', '3073']);
    assert.equal(decoded.status, 0, decoded.stderr);
    assert.match(decoded.stdout, /^3073: 3 pins, 1 ref/);
    fs.copyFileSync(path.join(ROOT, 'examples', 'wrong-release.c'), path.join(tmp, 'wrong-release.c'));
    const checked = run(['check', 'wrong-release.c']);
    assert.equal(checked.status, 1, checked.stderr);
    assert.match(checked.stdout, /^wrong-release\.c:\d+:\d+: warning: .*\[gup\/wrong-release\]$/m);
    const sarif = run(['check', '--format', 'sarif', 'wrong-release.c']);
    assert.doesNotMatch(sarif.stdout, new RegExp(`file://${prefix}`), 'no helpUri into the install folder');
  });

  it('the installed gup-review-server answers initialize over stdio', async () => {
    const proc = spawn(bin('gup-review-server'), ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: tmp });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    conn.listen();
    try {
      const init = (await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as {
        serverInfo?: { name: string; version: string };
      };
      assert.deepEqual(init.serverInfo, { name: 'gup-review', version: pkg.version });
      await conn.sendRequest('shutdown');
      void conn.sendNotification('exit');
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
      assert.equal(code, 0);
    } finally {
      conn.dispose();
      proc.kill();
    }
  });
});

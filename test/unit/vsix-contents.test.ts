/**
 * The VSIX holds only what runs. Checks `.vscodeignore` against `vsce ls`, then packages with the
 * exact vsce arguments of `npm run package` (about 2 s) and checks the archive itself: same file
 * list, under 2 MB. Needs dist/ built (`npm test` builds first).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';

const root = path.join(__dirname, '..', '..');
const vsceBin = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main?: string;
  scripts: Record<string, string>;
};

/** Every file the VSIX may hold: one pattern per line of .vscodeignore's allow-list. */
const ALLOWED: readonly RegExp[] = [
  /^dist\/[^/]+\.js$/,
  /^dist\/[^/]+\.wasm$/,
  /^syntaxes\/.+$/,
  /^client\/walkthrough\/.+$/,
  /^examples\/.+$/,
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
];

/** Files without which the extension does not run or the Marketplace page is incomplete. */
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'dist/extension.js',
  'dist/server.js',
  'dist/web-tree-sitter.wasm',
  'dist/tree-sitter-c.wasm',
];

const MAX_VSIX_BYTES = 2 * 1024 * 1024;
const MAX_IMAGE_BYTES = 150 * 1024;

function vsce(args: string[]): string {
  return execFileSync(process.execPath, [vsceBin, ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
}

let listed: string[] | undefined;
/** `vsce ls` once per run (about 1.5 s); callers get a copy. */
function vsceLs(): string[] {
  listed ??= vsce(['ls', '--no-dependencies'])
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return [...listed];
}

/** The vsce arguments of `npm run package`, so this test packages exactly as users do. */
function packageArgs(): string[] {
  const script = manifest.scripts.package ?? '';
  const m = /\bvsce (package\b[^&|;]*)/.exec(script);
  assert.ok(m, `package.json scripts.package must run "vsce package ...", found: ${script}`);
  return m[1]!.trim().split(/\s+/);
}

interface ZipEntry {
  name: string;
  read(): Buffer;
}

/** Entries of a zip archive, read from its central directory (stored or deflated). */
function zipEntries(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'not a zip archive: no end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, `bad central directory entry ${i}`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({
      name,
      read() {
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(start, start + compressedSize);
        return method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
      },
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Relative image paths that README.md links to (Markdown and HTML). */
function readmeImages(): string[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const found = new Set<string>();
  for (const m of readme.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) found.add(m[1]!);
  for (const m of readme.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)) found.add(m[1]!);
  return [...found].filter((src) => !/^[a-z]+:/i.test(src)).map((src) => src.replace(/^\.\//, ''));
}

test('manifest entry point is the bundled client', () => {
  assert.equal(manifest.main, './dist/extension.js');
});

test('vsce ls lists only allowed files, and every required one', () => {
  const files = vsceLs();
  const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  assert.deepEqual(stray, [], 'files outside the .vscodeignore allow-list');
  for (const f of REQUIRED) assert.ok(files.includes(f), `${f} missing from the VSIX`);
  assert.ok(!files.some((f) => f.endsWith('.map')), 'source maps must stay out');
  assert.ok(!files.some((f) => f.startsWith('node_modules/')), 'node_modules must stay out (all code is bundled)');
  assert.ok(!files.some((f) => f.endsWith('.ts')), 'TypeScript sources must stay out');
});

test('README screenshots exist, are small PNGs, are all used, and stay out of the VSIX', () => {
  const images = readmeImages();
  const files = vsceLs();
  for (const img of images) {
    const abs = path.join(root, img);
    assert.ok(fs.existsSync(abs), `README links ${img}, which does not exist`);
    assert.ok(fs.statSync(abs).size < MAX_IMAGE_BYTES, `${img} is ${fs.statSync(abs).size} bytes (limit 150 KB)`);
    assert.ok(
      fs.readFileSync(abs).subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
      `${img} is not a PNG`,
    );
    // The extension page's CSP is "img-src https: data:": packaged images could never show.
    assert.ok(!files.includes(img), `${img} is in the VSIX, where it cannot be displayed`);
  }
  const imageDir = path.join(root, 'client', 'images');
  const committed = fs.existsSync(imageDir) ? fs.readdirSync(imageDir).map((f) => `client/images/${f}`) : [];
  for (const f of committed) assert.ok(images.includes(f), `${f} is not used by README.md`);
});

test('npm run package builds one VSIX under 2 MB holding exactly the vsce ls files', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-vsix-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, `${manifest.name}-${manifest.version}.vsix`);
  vsce([...packageArgs(), '--out', out]);
  const size = fs.statSync(out).size;
  assert.ok(size < MAX_VSIX_BYTES, `VSIX is ${size} bytes, limit ${MAX_VSIX_BYTES}`);
  const zip = zipEntries(fs.readFileSync(out));
  const entries = zip.map((e) => e.name);
  const inExtension = entries
    .filter((e) => e.startsWith('extension/'))
    .map((e) => e.slice('extension/'.length))
    // vsce renames these three inside the archive.
    .map((e) => ({ 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md', 'LICENSE.txt': 'LICENSE' })[e] ?? e)
    .sort();
  assert.deepEqual(inExtension, vsceLs().sort());
  const others = entries.filter((e) => !e.startsWith('extension/')).sort();
  assert.deepEqual(others, ['[Content_Types].xml', 'extension.vsixmanifest']);
  // No native code: one universal package (no target platform in the manifest).
  const vsixManifest = zip
    .find((e) => e.name === 'extension.vsixmanifest')!
    .read()
    .toString('utf8');
  assert.match(vsixManifest, /<PackageManifest\b/);
  assert.doesNotMatch(vsixManifest, /TargetPlatform="/);
  assert.ok(!inExtension.some((f) => f.endsWith('.node')), 'native addons must stay out');
});

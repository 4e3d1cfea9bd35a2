// Packs the CLI and the language server as an npm tarball, gup-review-VERSION.tgz, for
// `npm install -g gup-review-VERSION.tgz` (the project is not on a registry). The tarball holds
// the built bundles (dist/cli.js, dist/server.js, the two wasm files), README, LICENSE and
// CHANGELOG, and a package.json with the two bins and no dependencies (everything is bundled).
// Run after the build (`npm run package` does both). Usage: node server/scripts/pack-cli.mjs [--out DIR]
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const outDir = resolve(outIdx >= 0 && args[outIdx + 1] ? args[outIdx + 1] : root);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const files = ['dist/cli.js', 'dist/server.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-c.wasm'];
for (const f of files) {
  if (!existsSync(join(root, f))) {
    process.stderr.write(`pack-cli: ${f} is missing: run npm run build first\n`);
    process.exit(2);
  }
}

const stage = mkdtempSync(join(tmpdir(), 'gup-review-pack-'));
try {
  mkdirSync(join(stage, 'dist'));
  for (const f of [...files, 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    if (existsSync(join(root, f))) copyFileSync(join(root, f), join(stage, f));
  }
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    homepage: pkg.homepage,
    repository: pkg.repository,
    bugs: pkg.bugs,
    bin: pkg.bin,
    engines: { node: pkg.engines.node },
    files: ['dist/', 'README.md', 'LICENSE', 'CHANGELOG.md'],
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(outDir, { recursive: true });
  // The outer `npm run` passes its settings down as npm_config_*; this pack wants none of them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: stage, env, encoding: 'utf8' });
  const name = out.trim().split('\n').pop();
  process.stdout.write(`${join(outDir, name)}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

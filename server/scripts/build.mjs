// Bundles the CLI, the language server and the VS Code client into dist/ (CommonJS, one file
// each), and copies the two wasm files the parser loads next to them.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'dist');
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl=require('url').pathToFileURL(__filename).href;" },
};

const entries = [
  { in: 'server/src/cli/main.ts', out: 'cli.js', shebang: true },
  { in: 'server/src/lsp/main.ts', out: 'server.js', shebang: true },
  // The inventory's HTML report: its own bundle, so the CLI loads vega only for --format html.
  { in: 'server/src/project/inventory-html.ts', out: 'inventory-html.js' },
  // The client loads into the extension host on activation: minified (its source map stays in dist/).
  { in: 'client/src/extension.ts', out: 'extension.js', external: ['vscode'], minify: true },
];

await Promise.all(
  entries
    .filter((e) => existsSync(join(root, e.in)))
    .map((e) =>
      build({
        ...common,
        entryPoints: [e.in],
        outfile: join(out, e.out),
        external: e.external ?? [],
        minify: e.minify ?? false,
        banner: { js: (e.shebang ? '#!/usr/bin/env node\n' : '') + common.banner.js },
      }).then(() => e.shebang && chmodSync(join(out, e.out), 0o755)),
    ),
);

copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(out, 'web-tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), join(out, 'tree-sitter-c.wasm'));

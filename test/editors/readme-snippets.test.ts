/**
 * The README's editor snippets: the tested ones are where the editor tests look for them, and the
 * one no test can run here (Neovim 0.11's vim.lsp.config) agrees with the tested 0.7 one.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { README, readmeSnippet } from './readme-snippets.ts';

const readme = fs.readFileSync(README, 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};

/** The `{ 'a', 'b' }` list after `key =` in a Lua snippet. */
function luaList(code: string, key: string): string[] {
  const m = new RegExp(`${key} = \\{([^}]*)\\}`).exec(code);
  assert.ok(m, `no ${key} list`);
  return [...(m[1] ?? '').matchAll(/'([^']+)'/g)].map((x) => x[1] ?? '');
}

test('the Neovim 0.7 and Emacs snippets are found by their markers and start the package bin', () => {
  assert.ok(pkg.bin['gup-review-server'], 'package.json names the bin gup-review-server');
  const nvim = readmeSnippet('nvim-0.7', readme);
  assert.match(nvim, /vim\.lsp\.start_client\(/);
  assert.deepEqual(luaList(nvim, 'cmd'), ['gup-review-server', '--stdio']);
  const emacs = readmeSnippet('emacs-eglot', readme);
  assert.match(emacs, /eglot-server-programs/);
  assert.match(emacs, /\("gup-review-server" "--stdio"\)/);
});

test("the untested Neovim 0.11 snippet has the tested one's command, filetypes and settings", () => {
  const tested = readmeSnippet('nvim-0.7', readme);
  const block = /```lua\n(vim\.lsp\.config\('gup_review'[\s\S]*?)\n```/.exec(readme);
  assert.ok(block, 'README has the vim.lsp.config snippet');
  const v011 = block[1] ?? '';
  assert.deepEqual(luaList(v011, 'cmd'), luaList(tested, 'cmd'));
  assert.deepEqual(luaList(v011, 'filetypes'), luaList(tested, 'pattern'));
  const settings = (code: string) => /settings = (\{.*\}),?\n/.exec(code)?.[1];
  assert.ok(settings(tested));
  assert.equal(settings(v011), settings(tested));
});

test('readmeSnippet reports a missing or doubled marker', () => {
  assert.throws(() => readmeSnippet('nope', readme), /no "<!-- snippet: nope -->"/);
  const twice = '<!-- snippet: x -->\n```lua\na\n```\n<!-- snippet: x -->\n```lua\nb\n```\n';
  assert.throws(() => readmeSnippet('x', twice), /twice/);
  assert.equal(readmeSnippet('x', '<!-- snippet: x -->\n\n```lua\nlocal a = 1\n```\n'), 'local a = 1\n');
});

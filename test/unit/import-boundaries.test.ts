/**
 * The import boundaries of eslint.config.mjs (run by `npm run lint`): the core does no node I/O
 * outside parser.ts and imports nothing from the project, CLI or LSP layers; the project layer
 * imports neither the CLI nor the server.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = path.join(__dirname, '..', '..');
// The probes are not files of the TypeScript project: lint them without the type-aware rules
// (the import boundaries need no types).
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: [{ ...tseslint.configs.disableTypeChecked, files: ['**/*.ts'] }],
});

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('server/src/core: node I/O modules and the layers above are forbidden', async () => {
  const msgs = await restricted(
    'server/src/core/probe.ts',
    "import * as fs from 'node:fs';\nimport * as os from 'os';\nimport { findKernelTree } from '../project/api-model.ts';\n" +
      "import { runCheck } from '../cli/check-command.ts';\nimport type { Connection } from 'vscode-languageserver';\n" +
      'export const all = [fs, os, findKernelTree, runCheck] as unknown as Connection;\n',
  );
  assert.equal(msgs.length, 5, msgs.join('\n'));
  assert.equal(
    (
      await restricted(
        'server/src/core/patch/probe.ts',
        "import { x } from '../../lsp/hover.ts';\nexport const y = x;\n",
      )
    ).length,
    1,
  );
});

test('server/src/core: pure modules, and parser.ts loading its wasm, pass', async () => {
  assert.deepEqual(
    await restricted(
      'server/src/core/probe.ts',
      "import { decideModel } from './api-model.ts';\nexport const d = decideModel;\n",
    ),
    [],
  );
  assert.deepEqual(
    await restricted('server/src/core/parser.ts', "import * as fs from 'node:fs';\nexport const f = fs;\n"),
    [],
  );
});

test('server/src/project: no CLI or LSP import; node I/O is its job', async () => {
  const msgs = await restricted(
    'server/src/project/probe.ts',
    "import * as fs from 'node:fs';\nimport { runCheck } from '../cli/check-command.ts';\nimport { statusOf } from '../lsp/diagnostics.ts';\n" +
      'export const all = [fs, runCheck, statusOf];\n',
  );
  assert.equal(msgs.length, 2, msgs.join('\n'));
});

test('server/src/core/matcher: no rule, message table, facts or driver import', async () => {
  const msgs = await restricted(
    'server/src/core/matcher/probe.ts',
    "import { RULES } from '../rules/index.ts';\nimport { finding } from '../rule-support/rule-context.ts';\n" +
      "import { findingMessage } from '../messages/format-message.ts';\nimport { analyzeTree } from '../analyze.ts';\n" +
      "import { prepareUnit } from '../analyze-unit.ts';\nimport { fileFactsOf } from '../facts/extract-facts.ts';\n" +
      'export const all = [RULES, finding, findingMessage, analyzeTree, prepareUnit, fileFactsOf];\n',
  );
  assert.equal(msgs.length, 6, msgs.join('\n'));
  assert.deepEqual(
    await restricted(
      'server/src/core/matcher/probe.ts',
      "import { storageKey } from './syntax.ts';\nimport { RELEASES } from '../api-table.ts';\nexport const a = [storageKey, RELEASES];\n",
    ),
    [],
  );
});

test('server/src/core/rules: no driver or patch import; the matcher and message helpers are fine', async () => {
  const msgs = await restricted(
    'server/src/core/rules/probe.ts',
    "import { analyzeTranslationUnit } from '../analyze-unit.ts';\nimport { reviewPatchInput } from '../patch/review.ts';\n" +
      'export const all = [analyzeTranslationUnit, reviewPatchInput];\n',
  );
  assert.equal(msgs.length, 2, msgs.join('\n'));
  assert.deepEqual(
    await restricted(
      'server/src/core/rules/probe.ts',
      "import { rangeOf } from '../matcher/syntax.ts';\nimport { str } from '../messages/message-fn.ts';\nexport const a = [rangeOf, str];\n",
    ),
    [],
  );
});

test('server/src/cli and server/src/lsp do not import each other', async () => {
  assert.equal(
    (await restricted('server/src/cli/probe.ts', "import { hover } from '../lsp/hover.ts';\nexport const h = hover;\n"))
      .length,
    1,
  );
  assert.equal(
    (
      await restricted(
        'server/src/lsp/probe.ts',
        "import { runCheck } from '../cli/check-command.ts';\nexport const r = runCheck;\n",
      )
    ).length,
    1,
  );
});

// Lint: typescript-eslint's recommended rules over the TypeScript sources and tests (type-aware
// ones over the sources), plus the
// import boundaries of the layers: server/src/core is pure (no node I/O module except in
// parser.ts, which loads the grammar's wasm; no project, CLI, LSP or editor import), and
// server/src/project sits under the CLI and the server (it imports neither).
import tseslint from 'typescript-eslint';

const NODE_IO_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'os',
  'readline',
  'process',
  'worker_threads',
  'cluster',
  'inspector',
];

const nodeIo = NODE_IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
  name,
  message: 'server/src/core does no I/O: read files and the kernel tree in server/src/project and pass the result in.',
}));

const editorModules = ['vscode', 'vscode-languageserver', 'vscode-languageserver-textdocument', 'vscode-languageclient'];
const editorPatterns = editorModules.map((m) => ({
  regex: `^${m}(/.*)?$`,
  message: 'no editor or LSP module here: convert at the edge (server/src/lsp, client/src).',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  // Type-aware rules over the shipped sources (the tests keep the recommended set: node:test's
  // test() returns a promise that the runner awaits, which no-floating-promises cannot know).
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ['server/src/**/*.ts', 'client/src/**/*.ts'] })),
  {
    files: ['server/src/**/*.ts', 'client/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIo,
          patterns: [
            {
              regex: '(^|/)(project|cli|lsp)/',
              message: 'the core imports nothing from the layers above it (project, cli, lsp).',
            },
            ...editorPatterns,
          ],
        },
      ],
    },
  },
  {
    // The matcher knows no rule: rules run beside it (core/analyze-unit.ts), never inside.
    files: ['server/src/core/matcher/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIo,
          patterns: [
            {
              regex: '(^|/)(project|cli|lsp)/',
              message: 'the core imports nothing from the layers above it (project, cli, lsp).',
            },
            {
              regex: '(^|/)(rules|rule-support|messages|facts)/|analyze(-unit)?\\.ts$',
              message: 'the matcher knows no rule, message or driver: they use it, not the other way round.',
            },
            ...editorPatterns,
          ],
        },
      ],
    },
  },
  {
    // Rules turn facts into findings; the unit driver runs them.
    files: ['server/src/core/rules/**/*.ts', 'server/src/core/rule-support/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIo,
          patterns: [
            {
              regex: '(^|/)(project|cli|lsp|facts|patch)/|analyze(-unit)?\\.ts$',
              message: 'a rule sees one function\'s facts: no driver, patch reader or layer above.',
            },
            ...editorPatterns,
          ],
        },
      ],
    },
  },
  {
    // The CLI and the server are siblings over the project layer.
    files: ['server/src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)lsp/', message: 'the CLI does not import the language server.' }, ...editorPatterns] },
      ],
    },
  },
  {
    files: ['server/src/lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)cli/', message: 'the language server does not import the CLI.' }] },
      ],
    },
  },
  {
    // The grammar's wasm is loaded from disk here, the one place of the core that may.
    files: ['server/src/core/parser.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)(project|cli|lsp)/', message: 'the core imports nothing from above it.' }] },
      ],
    },
  },
  {
    files: ['server/src/project/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(cli|lsp)/',
              message: 'the project layer sits under the CLI and the server: it imports neither.',
            },
            ...editorPatterns,
          ],
        },
      ],
    },
  },
);

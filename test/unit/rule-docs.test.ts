/** Meta-test: every rule has its README anchor and section, and the registry matches the files. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES, ruleDocAnchor } from '../../server/src/core/rules/index.ts';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('every rule has a README anchor and a section', () => {
  for (const rule of RULES) {
    assert.ok(readme.includes(`<a id="${ruleDocAnchor(rule.id)}"></a>`), `no anchor for ${rule.id}`);
    assert.match(readme, new RegExp(`^### ${rule.id} \\(${rule.defaultSeverity}`, 'm'));
  }
});

test('one file per rule, named by its id, all registered (helpers live in rule-support/)', () => {
  const dir = join(root, 'server', 'src', 'core', 'rules');
  // Every file but the registry is a rule: an unregistered rule file, or a helper left here, fails.
  const ruleFiles = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.replace(/\.ts$/, ''));
  assert.deepEqual(ruleFiles.sort(), RULES.map((r) => r.id).sort());
  for (const rule of RULES) {
    const source = readFileSync(join(dir, `${rule.id}.ts`), 'utf8');
    assert.match(source, new RegExp(`id: '${rule.id}'`), `${rule.id}.ts declares another rule`);
  }
});

test('every rule is exercised by an example and by a test fixture', () => {
  const examples = readdirSync(join(root, 'examples'));
  const fixtures = readdirSync(join(root, 'test', 'fixtures', 'c'))
    .map((f) => readFileSync(join(root, 'test', 'fixtures', 'c', f), 'utf8'))
    .join('\n');
  for (const rule of RULES) {
    assert.ok(examples.includes(`${rule.id}.c`), `no examples/${rule.id}.c`);
    assert.ok(fixtures.includes(`: ${rule.id}`) || fixtures.includes(`, ${rule.id}`), `no fixture expects ${rule.id}`);
  }
});

test('each example shows its rule and only its rule; clean.c shows nothing', async () => {
  const { analyzeText } = await import('../../server/src/project/analyze-source.ts');
  for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.c'))) {
    const text = readFileSync(join(root, 'examples', file), 'utf8');
    const rules = [...new Set((await analyzeText(text, {})).findings.map((f) => f.rule))];
    assert.deepEqual(rules, file === 'clean.c' ? [] : [file.replace(/\.c$/, '')], file);
  }
});

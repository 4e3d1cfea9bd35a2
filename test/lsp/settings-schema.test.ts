/**
 * One settings schema: package.json's contributes.configuration must carry exactly the keys,
 * types, scopes, enums and defaults of server/src/lsp/settings.ts; the server's validation maps
 * VS Code's severity names to the core's; the manifest's commands are the ones the client registers.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { RULE_IDS } from '../../server/src/core/rules/index.ts';
import { analysisOptions, parseSettings, SETTINGS_SCHEMA } from '../../server/src/lsp/settings.ts';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> };

/** The machine-relevant part of a schema: everything but human-readable descriptions. */
function shape(s: Schema): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (/description/i.test(k)) continue;
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([pk, pv]) => [pk, shape(pv)]))
        : v;
  }
  return out;
}

test('package.json contributes exactly the settings of the schema in lsp/settings.ts', () => {
  const props = pkg.contributes?.configuration?.properties as Record<string, Schema>;
  assert.ok(props, 'contributes.configuration.properties exists');
  assert.deepEqual(Object.keys(props).sort(), Object.keys(SETTINGS_SCHEMA).sort());
  for (const [key, schema] of Object.entries(SETTINGS_SCHEMA)) {
    assert.deepEqual(shape(props[key]!), shape(schema as unknown as Schema), key);
  }
});

test('settings are resource-scoped (trace is per window) and every rule id has a severity entry', () => {
  const props = pkg.contributes.configuration.properties as Record<string, Schema>;
  assert.equal(props['gupReview.apiModel']!.scope, 'resource');
  assert.equal(props['gupReview.rules']!.scope, 'resource');
  assert.deepEqual(Object.keys(props['gupReview.rules']!.properties!).sort(), [...RULE_IDS].sort());
  assert.deepEqual(props['gupReview.apiModel']!.enum, ['auto', 'put_user_page', 'unpin_user_page']);
  assert.equal(props['gupReview.apiModel']!.default, 'auto');
  for (const r of Object.values(props['gupReview.rules']!.properties!)) {
    assert.deepEqual(r.enum, ['off', 'hint', 'information', 'warning', 'error']);
  }
});

test('parseSettings maps information → info, keeps valid values and reports bad ones', () => {
  const s = parseSettings({
    apiModel: 'put_user_page',
    rules: { 'wrong-release': 'information', 'batch-release': 'off', 'missing-release': 'info' },
  });
  assert.equal(s.apiModel, 'put_user_page');
  assert.deepEqual(s.rules, { 'wrong-release': 'info', 'batch-release': 'off', 'missing-release': 'info' });
  assert.deepEqual(s.problems, []);
  const bad = parseSettings({ apiModel: 'v5.2', rules: { 'no-such-rule': 'error', 'wrong-release': 'loud' } });
  assert.equal(bad.apiModel, 'auto');
  assert.deepEqual(bad.rules, {});
  assert.equal(bad.problems.length, 3);
  assert.match(bad.problems.join('\n'), /apiModel.*v5\.2/);
  assert.match(bad.problems.join('\n'), /unknown rule "no-such-rule"/);
  assert.match(bad.problems.join('\n'), /wrong-release.*loud/);
  assert.deepEqual(parseSettings(undefined), { apiModel: 'auto', rules: {}, problems: [] });
  assert.equal(parseSettings('nonsense').problems.length, 1);
  const model = { model: 'put_user_page', reason: 'set by the user', evidence: { kind: 'setting' } } as const;
  assert.deepEqual(analysisOptions(s, model), { model, rules: s.rules });
});

test('every contributed command is registered by the client, in category gup-review', () => {
  const source = fs
    .readdirSync(path.join(ROOT, 'client', 'src'))
    .map((f) => fs.readFileSync(path.join(ROOT, 'client', 'src', f), 'utf8'))
    .join('\n');
  // commands.ts registers through its register() helper, the sites view with registerCommand().
  const registered = [...source.matchAll(/register(?:Command)?\('(gupReview\.[\w.]+)'/g)].map((m) => m[1]).sort();
  const contributed = (pkg.contributes.commands as Array<{ command: string; category: string }>)
    .map((c) => c.command)
    .sort();
  assert.deepEqual(contributed, registered);
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'gup-review');
  for (const id of [
    'gupReview.decodeRefcount',
    'gupReview.checkWorkspace',
    'gupReview.selectApiModel',
    'gupReview.restartServer',
    'gupReview.showOutput',
  ]) {
    assert.ok(contributed.includes(id), id);
  }
});

test('manifest: activation, trust and virtual-workspace capabilities, walkthrough media exist', () => {
  assert.ok(pkg.activationEvents.includes('onLanguage:c'));
  assert.ok(pkg.activationEvents.includes('onLanguage:diff'));
  assert.ok(pkg.activationEvents.includes('onLanguage:patch-mail'));
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
  assert.equal(pkg.capabilities.virtualWorkspaces.supported, 'limited');
  assert.ok(pkg.capabilities.virtualWorkspaces.description.length > 20);
  const steps = pkg.contributes.walkthroughs[0].steps as Array<{ media: { markdown: string } }>;
  assert.ok(steps.length >= 3 && steps.length <= 4);
  for (const s of steps) assert.ok(fs.existsSync(path.join(ROOT, s.media.markdown)), s.media.markdown);
});

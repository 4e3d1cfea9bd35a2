/**
 * `check --format sarif` is valid SARIF 2.1.0: validated with ajv against the SARIF 2.1.0 JSON
 * schema shipped in the @microsoft/jest-sarif package (schemastore's sarif-2.1.0-rtm.5.json,
 * a draft-04 schema, hence ajv-draft-04), read offline from node_modules.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { CLEAN_C, makeTree, runCli, WRONG_RELEASE_C } from './cli-support.ts';

const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function validator() {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The schema's `id` is a URL; ajv would not fetch anything, but keep it self-contained.
  // unicodeRegExp: false — one pattern in the schema (language codes) has a stray ']' that the u flag rejects.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv); // uri, date-time, …: checked too
  return ajv.compile(schema);
}

describe('gup-review check --format sarif', () => {
  let tree: ReturnType<typeof makeTree>;
  before(() => {
    tree = makeTree({ 'mm/wrong.c': WRONG_RELEASE_C, 'mm/clean.c': CLEAN_C });
  });
  after(() => tree.cleanup());

  it('the validator rejects a broken log (the check can fail)', () => {
    const validate = validator();
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false, 'driver without a name');
    assert.equal(validate({ version: '2.0.0', runs: [] }), false, 'wrong version');
    assert.equal(
      validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x', informationUri: 'not a uri' } } }] }),
      false,
      'format uri',
    );
    assert.equal(
      validate({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'loud' }] }],
      }),
      false,
    );
  });

  it('is schema-valid and carries rules, locations, related locations and fixes', () => {
    const r = runCli(['check', '--format', 'sarif', '--api', 'unpin_user_page', 'mm'], { cwd: tree.dir });
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    const validate = validator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules!;
    assert.deepEqual(
      rules.map((x) => x.id),
      ['wrong-release', 'mismatched-release', 'missing-release', 'release-count', 'unchecked-result', 'batch-release'],
    );
    for (const rule of rules) {
      assert.ok(rule.shortDescription?.text, rule.id);
      assert.match(rule.helpUri ?? '', new RegExp(`#rule-${rule.id}$`));
      // The project's README (package.json homepage), never a file: path of the machine that ran it.
      assert.ok(rule.helpUri!.startsWith('https://github.com/gup-review/gup-review#'), rule.helpUri);
    }
    assert.equal(run.tool.driver.informationUri, 'https://github.com/gup-review/gup-review');
    assert.doesNotMatch(JSON.stringify(run.tool), /file:/);
    assert.equal(run.results!.length, 1);
    const result = run.results![0]!;
    assert.equal(result.ruleId, 'wrong-release');
    assert.equal(rules[result.ruleIndex!]!.id, 'wrong-release');
    assert.equal(result.level, 'warning');
    const loc = result.locations![0]!.physicalLocation!;
    assert.equal(loc.artifactLocation!.uri, 'mm/wrong.c');
    assert.equal(loc.artifactLocation!.uriBaseId, '%SRCROOT%');
    assert.deepEqual({ line: loc.region!.startLine, column: loc.region!.startColumn }, { line: 12, column: 2 });
    assert.equal(result.relatedLocations![0]!.physicalLocation!.region!.startLine, 9);
    const fix = result.fixes![0]!;
    assert.equal(fix.artifactChanges[0]!.replacements[0]!.insertedContent!.text, 'unpin_user_page');
    assert.ok(run.originalUriBaseIds!['%SRCROOT%']!.uri!.startsWith('file:///'));
  });

  it('an empty run is valid too', () => {
    const r = runCli(['check', '--format', 'sarif', 'mm/clean.c'], { cwd: tree.dir });
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    assert.ok(validator()(log));
    assert.deepEqual(log.runs[0]!.results, []);
  });
});

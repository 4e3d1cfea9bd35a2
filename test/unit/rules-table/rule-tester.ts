/**
 * A small eslint-RuleTester-style runner for the engine: each case is a C snippet of our own, the
 * model to analyse it in, and the findings of one rule it must produce (messageId + 1-based line;
 * `[]` for valid code), optionally with the text after applying that rule's preferred fixes.
 * Cases marked `todo` are known engine bugs: node:test reports them as todo, never as a pass.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeText } from '../../../server/src/project/analyze-source.ts';
import { findingMessage } from '../../../server/src/core/messages/format-message.ts';
import { ruleMeta } from '../../../server/src/core/rules/index.ts';
import { applyFixes } from '../../../server/src/core/text-edits.ts';
import type { ApiModel, RuleId } from '../../../server/src/core/types.ts';

export interface Expected {
  messageId: string;
  /** 1-based line of the finding's start. */
  line: number;
}

export interface RuleCase {
  name: string;
  code: string;
  model: ApiModel;
  expected: Expected[];
  /** Patterns the findings' texts must match, in the order of `expected` (by line). */
  messages?: RegExp[];
  /** The text after applying this rule's preferred fixes (fixable cases only). */
  output?: string;
  /** A known engine bug: why the engine gets this case wrong today. */
  todo?: string;
}

/**
 * Kernel C as a template literal: the first newline is dropped so that line 1 is the line after
 * the backtick. Tabs are kept as written.
 */
export function c(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings.raw }, ...values);
  return text.startsWith('\n') ? text.slice(1) : text;
}

/** The findings of `rule` in `code`, as `messageId@line`, sorted. */
export async function findingsOf(rule: RuleId, code: string, model: ApiModel) {
  const { findings } = await analyzeText(code, { api: model });
  return findings.filter((f) => f.rule === rule);
}

/**
 * For rules whose findings do not depend on the model (a leak is a leak, a count is a count):
 * every case, as written, plus the same case in the other model (todo cases stay in theirs).
 */
export function inBothModels(cases: readonly RuleCase[]): RuleCase[] {
  const other = (m: ApiModel): ApiModel => (m === 'put_user_page' ? 'unpin_user_page' : 'put_user_page');
  return [...cases, ...cases.filter((k) => !k.todo).map((k) => ({ ...k, model: other(k.model) }))];
}

const show = (e: Expected) => `${e.messageId}@${e.line}`;

export function ruleTable(rule: RuleId, cases: readonly RuleCase[]): void {
  const messages = Object.keys(ruleMeta(rule).messages);
  describe(`${rule} (table)`, () => {
    test('the table is sound: unique names, known message ids, fixes only for a fixable rule', () => {
      const names = new Set<string>();
      for (const k of cases) {
        assert.ok(!names.has(`${k.model}:${k.name}`), `duplicate case name: ${k.name}`);
        names.add(`${k.model}:${k.name}`);
        for (const e of k.expected) assert.ok(messages.includes(e.messageId), `${k.name}: unknown ${e.messageId}`);
        if (k.output !== undefined) assert.ok(ruleMeta(rule).fixable, `${k.name}: ${rule} has no fixes`);
      }
    });
    for (const k of cases) {
      test(`${k.model === 'put_user_page' ? '[2019] ' : ''}${k.name}`, k.todo ? { todo: k.todo } : {}, async () => {
        const found = await findingsOf(rule, k.code, k.model);
        const got = found.map((f) => show({ messageId: f.messageId, line: f.range.start.line + 1 })).sort();
        assert.deepEqual(got, k.expected.map(show).sort());
        // Every finding's message can be made from its data (no missing key, no unknown id).
        for (const f of found) assert.ok(findingMessage(f).length > 0);
        const texts = found
          .slice()
          .sort((a, b) => a.range.start.line - b.range.start.line)
          .map((f) => findingMessage(f));
        k.messages?.forEach((re, i) => assert.match(texts[i] ?? '', re));
        if (k.output !== undefined) {
          const { findings } = await analyzeText(k.code, { api: k.model });
          assert.equal(applyFixes(k.code, findings, rule), k.output);
        }
      });
    }
  });
}

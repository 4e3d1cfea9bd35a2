/**
 * What a call is in the model (core/call-info.ts, the hover's source): the releases it advises
 * must be the ones the findings advise, and an mm-internal call is read by its flags the way the
 * matcher reads it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiCallAt, describeCall } from '../../server/src/core/call-info.ts';
import { createCParser, parseKernelC } from '../../server/src/core/parser.ts';
import type { ApiModel } from '../../server/src/core/types.ts';

async function describe(line: string, model: ApiModel) {
  const text = `void f(void)\n{\n\t${line}\n}\n`;
  const parser = await createCParser();
  const tree = parseKernelC(parser, text);
  try {
    const call = apiCallAt(tree.rootNode, 2, 2);
    assert.ok(call, `an API call in ${line}`);
    return describeCall(call, model)!;
  } finally {
    tree.delete();
    parser.delete();
  }
}

test('pin_user_pages* pages are released with unpin_user_page* in both models (as the findings say)', async () => {
  for (const model of ['unpin_user_page', 'put_user_page'] as const) {
    const info = await describe('pin_user_pages_fast(addr, 1, 0, &page);', model);
    assert.deepEqual(info.releasedWith, ['unpin_user_page', 'unpin_user_pages', 'unpin_user_pages_dirty_lock'], model);
  }
  const gup = await describe('get_user_pages_fast(addr, 1, 0, &page);', 'put_user_page');
  assert.deepEqual(gup.releasedWith, ['put_user_page', 'put_user_pages', 'put_user_pages_dirty_lock']);
});

test('an mm-internal acquisition: FOLL_PIN pins, FOLL_GET takes references, a variable decides nothing', async () => {
  const call = (flags: string) => `__get_user_pages_locked(mm, s, n, p, NULL, &locked, ${flags});`;
  assert.match((await describe(call('f | FOLL_PIN'), 'unpin_user_page')).summary, /^FOLL_PIN acquisition/);
  assert.match((await describe(call('FOLL_GET'), 'unpin_user_page')).summary, /^FOLL_GET acquisition/);
  const unknown = await describe(call('gup_flags'), 'unpin_user_page');
  assert.match(unknown.summary, /the gup flags passed decide/);
  assert.deepEqual(unknown.releasedWith, []);
});

test('page_ref_sub(): the amount at the call says what it drops, as the matcher reads it', async () => {
  const bias = await describe('page_ref_sub(page, GUP_PIN_COUNTING_BIAS);', 'unpin_user_page');
  assert.match(bias.summary, /^Release: drops pins\./);
  assert.match((await describe('page_ref_sub(page, 1);', 'unpin_user_page')).summary, /^Release: drops ordinary/);
  assert.match((await describe('page_ref_sub(page, refs);', 'unpin_user_page')).summary, /^Release: drops whatever/);
});

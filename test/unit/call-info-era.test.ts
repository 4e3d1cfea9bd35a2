/** Kernel eras of the API table as the hover says them (no "Exists: all."). */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ACQUISITIONS, RELEASES } from '../../server/src/core/api-table.ts';
import { eraText } from '../../server/src/core/call-info.ts';

test('every era of the API table reads as a sentence', () => {
  assert.equal(eraText('all'), 'In every kernel version.');
  assert.equal(eraText('all (int write until 5.1)'), 'In every kernel version (int write until 5.1).');
  assert.equal(eraText('5.6+'), 'Since Linux 5.6.');
  assert.equal(eraText('≤5.7'), 'Until Linux 5.7.');
  assert.equal(eraText('5.8–5.17'), 'In Linux 5.8–5.17.');
  assert.equal(eraText('RFC 2019, 5.2–5.5'), 'In the 2019 RFC and Linux 5.2–5.5.');
  for (const { name, era } of [...ACQUISITIONS, ...RELEASES]) {
    assert.match(
      eraText(era),
      /^(In every kernel version|Since Linux|Until Linux|In Linux|In the 2019 RFC)/,
      `${name}: ${era}`,
    );
  }
});

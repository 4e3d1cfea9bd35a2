/** The text prefilter: needles derived from the API table, exact whole-word names only. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ACQUISITIONS, ACQUISITION_NAME_RE } from '../../server/src/core/api-table.ts';
import { deriveNeedles, namesAcquisition, PREFILTER_NEEDLES } from '../../server/src/project/prefilter.ts';

describe('prefilter', () => {
  it('every acquisition name contains a needle; needles are few and not tiny', () => {
    for (const a of ACQUISITIONS)
      assert.ok(
        PREFILTER_NEEDLES.some((n) => a.name.includes(n)),
        a.name,
      );
    assert.ok(PREFILTER_NEEDLES.length <= 3, PREFILTER_NEEDLES.join(' '));
    for (const n of PREFILTER_NEEDLES) assert.ok(n.length >= 4, n);
  });

  it('deriveNeedles covers any name list', () => {
    const names = ['alpha_beta_gamma', 'alpha_beta_delta', 'zeta_eta_theta', 'tiny'];
    const needles = deriveNeedles(names);
    for (const name of names)
      assert.ok(
        needles.some((n) => name.includes(n)),
        name,
      );
    assert.deepEqual(needles, ['eta_', 'tiny'], 'the substring shared by most names first');
  });

  it('agrees with ACQUISITION_NAME_RE on each name and on near misses', () => {
    const samples = [
      ...ACQUISITIONS.map((a) => `\tret = ${a.name}(a, b);\n`),
      'x = xget_user_pages(1);',
      'y = get_user_pages_fastx(1);',
      'put_user_page(page); copy_user_page(a, b, c, d);',
      'iov_iter_advance(i, n);',
      'no names here at all',
      '',
      `${'x'.repeat(5000)} pin_user_pages_remote(mm, a, n, f, p, NULL, NULL)`,
      '/* get_user_pages */',
      // A window cut at the start of a longer identifier must not see a name there.
      '\t\tr = amdgpu_ttm_tt_get_user_pages(bo, e->user_pages, &e->range);\n\t\tif (r) {\n',
      `${'y'.repeat(30)}_get_user_pages_${'z'.repeat(40)} = 1; e->user_pages = 0;`,
    ];
    for (const s of samples) {
      assert.equal(
        namesAcquisition(Buffer.from(s, 'latin1')),
        ACQUISITION_NAME_RE.test(s),
        JSON.stringify(s.slice(0, 60)),
      );
    }
  });

  it('looks past a first near-miss hit to a later real one', () => {
    const s = 'copy_user_page(a, b, c, d);\n'.repeat(50) + 'n = get_user_pages_fast(addr, 1, 0, &page);\n';
    assert.equal(namesAcquisition(Buffer.from(s)), true);
  });
});

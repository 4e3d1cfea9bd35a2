/**
 * `npm run fuzz`: the long edit fuzz of the language server (10,000 edits by default) and the
 * long fix fuzz, with a random seed (or FUZZ_SEED). Prints the seed first and again with any
 * failure, so `FUZZ_SEED=<seed> npm run fuzz` reproduces it. FUZZ_EDITS sets the number of edits;
 * FUZZ_EXTRA=a.c:b.c adds files (e.g. from a local kernel tree) to the corpus.
 */
import { runEditFuzz } from './edit-fuzz.ts';
import { runFixFuzz } from './fix-fuzz.ts';
import { seedFromEnv } from './random.ts';

async function main(): Promise<number> {
  const seed = seedFromEnv();
  const edits = Number(process.env.FUZZ_EDITS ?? 10_000);
  console.log(`fuzz seed ${seed} (reproduce: FUZZ_SEED=${seed} npm run fuzz)`);
  try {
    const t0 = Date.now();
    const r = await runEditFuzz({ seed, edits, checkpointEvery: 25, files: 4, log: (l) => console.log(l) });
    console.log(
      `edit fuzz ok: seed ${r.seed}, ${r.edits} edits, ${r.checkpoints} checkpoints, ${r.diagnosticsCompared} diagnostics compared, ` +
        `${r.requests} requests, VmRSS ${Math.round(r.rssFirstKb / 1024)} → ${Math.round(r.rssLastKb / 1024)} MB, ${((Date.now() - t0) / 1000).toFixed(1)} s; files ${r.files.join(', ')}`,
    );
    const f = await runFixFuzz({ seed, mutantsPerFile: 40 });
    console.log(
      `fix fuzz ok: seed ${seed}, ${f.texts} texts, ${f.fixesApplied} fixes applied, ${f.textsWithFixes} texts with fixes`,
    );
    return 0;
  } catch (e) {
    console.error(`FUZZ FAILURE with seed ${seed}: ${(e as Error).message}`);
    return 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});

/**
 * `npm run bench`: whole-kernel measurements. Sections are separate files (cli.ts; a language
 * server section goes in lsp.ts and one line in SECTIONS below). BENCH_SECTIONS=cli,lsp picks some.
 * The kernel tree: $KERNEL_SRC, else linux-source-6.1 installed and extracted (kernel-source.ts).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { burstSection } from './burst.ts';
import { cliSection } from './cli.ts';
import { kernelSource } from './kernel-source.ts';
import { lspSection } from './lsp.ts';
import { sizeSection } from './size-growth.ts';
import type { BenchSection } from './section.ts';

const SECTIONS: BenchSection[] = [cliSection, lspSection, burstSection, sizeSection];

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const wanted = process.env.BENCH_SECTIONS?.split(',').map((s) => s.trim());
  const sections = SECTIONS.filter((s) => !wanted || wanted.includes(s.name));
  if (sections.length === 0)
    throw new Error(`no section named ${wanted?.join(', ')} (have ${SECTIONS.map((s) => s.name).join(', ')})`);
  const kernel = kernelSource(log);
  log(`# gup-review benchmark`);
  log(
    `machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  log(`kernel tree: ${kernel}`);
  for (const s of sections) {
    log(`\n## ${s.name}`);
    await s.run({ kernel, repo: path.join(__dirname, '..', '..'), log });
  }
  log(
    `\nload average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 1;
});

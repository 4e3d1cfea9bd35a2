/** Helpers for the CLI tests: run dist/cli.js (built by `npm test`) and make fixture trees. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: readonly string[],
  opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): CliRun {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...opts.env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temp directory with the given files (relative path → content); removed by `cleanup()`. */
export function makeTree(files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Our own kernel-style fixture: a page pinned with pin_user_pages_fast() and released with
 * put_page(), a wrong-release in the upstream model (line 12, the put_page call).
 */
export const WRONG_RELEASE_C = `// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>

static int demo_touch_user_page(unsigned long uaddr)
{
	struct page *page;
	int ret;

	ret = pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page);
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;
	put_page(page);
	return 0;
}
`;

/** The same after the fix. */
export const WRONG_RELEASE_FIXED_C = WRONG_RELEASE_C.replace('\tput_page(page);', '\tunpin_user_page(page);');

/** Releases correctly: no findings. */
export const CLEAN_C = WRONG_RELEASE_FIXED_C;

/** Names no acquisition: skipped by the prefilter. */
export const UNRELATED_C = `#include <linux/kernel.h>

static int demo_add(int a, int b)
{
	return a + b;
}
`;

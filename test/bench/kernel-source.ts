/**
 * The kernel tree the benchmark runs on: $KERNEL_SRC, else ~/.cache/gup-review/linux-source-6.1,
 * extracted from Debian's linux-source-6.1 package (installed with apt-get when missing).
 * Used for measurements only: nothing from it goes into the repository.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TARBALL = '/usr/src/linux-source-6.1.tar.xz';

function looksLikeKernel(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'mm', 'gup.c')) && fs.existsSync(path.join(dir, 'include', 'linux', 'mm.h'));
}

function run(cmd: string, args: string[], log: (s: string) => void): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

export function kernelSource(log: (s: string) => void): string {
  const fromEnv = process.env.KERNEL_SRC;
  if (fromEnv) {
    if (!looksLikeKernel(fromEnv))
      throw new Error(`KERNEL_SRC=${fromEnv} is not a kernel tree (no mm/gup.c and include/linux/mm.h)`);
    return path.resolve(fromEnv);
  }
  const cache = path.join(os.homedir(), '.cache', 'gup-review');
  const dir = path.join(cache, 'linux-source-6.1');
  if (looksLikeKernel(dir)) return dir;
  if (!fs.existsSync(TARBALL)) {
    log('linux-source-6.1 is not installed: installing it with apt-get (about 140 MB)');
    run('apt-get', ['update', '-q'], log);
    run('apt-get', ['install', '-y', '-q', 'linux-source-6.1'], log);
  }
  fs.mkdirSync(cache, { recursive: true });
  log(`extracting ${TARBALL} into ${cache} (1.1 GB)`);
  run('tar', ['xf', TARBALL, '-C', cache], log);
  if (!looksLikeKernel(dir)) throw new Error(`${TARBALL} did not extract to ${dir}`);
  return dir;
}

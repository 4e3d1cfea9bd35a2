/** gup-review's own metadata (version, docs location), read from package.json at build time. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import pkg from '../../../package.json' with { type: 'json' };

export const TOOL_NAME = 'gup-review';
export const TOOL_VERSION: string = pkg.version;

/** README.md of the installed package (dist/../README.md, or the repository root from source). */
function findReadme(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'README.md');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

/**
 * Where the documentation of a README anchor lives: the package's `homepage` when it has one,
 * else the README installed with the CLI (a file: URI that opens locally).
 */
export function docsUri(anchor: string): string | undefined {
  const homepage = (pkg as { homepage?: string }).homepage;
  if (homepage) return `${homepage.replace(/#.*$/, '')}#${anchor}`;
  const readme = findReadme();
  return readme ? `${pathToFileURL(readme).href}#${anchor}` : undefined;
}

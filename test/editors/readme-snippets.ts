/**
 * The editor snippets the README shows are the ones the editor tests load: each sits in the
 * first fenced code block after a `<!-- snippet: NAME -->` comment in README.md, and the tests read
 * it from there (never from a copy), so the two cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const README = path.join(__dirname, '..', '..', 'README.md');

/** The code of the fenced block that follows `<!-- snippet: name -->`; throws when it is missing. */
export function readmeSnippet(name: string, readme = fs.readFileSync(README, 'utf8')): string {
  const marker = `<!-- snippet: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no "${marker}"`);
  if (readme.indexOf(marker, at + marker.length) >= 0) throw new Error(`README.md has "${marker}" twice`);
  const rest = readme.slice(at + marker.length);
  const block = /^\s*```[a-z]*\n([\s\S]*?)\n```/.exec(rest);
  if (!block) throw new Error(`README.md: no fenced code block right after "${marker}"`);
  return `${block[1]}\n`;
}

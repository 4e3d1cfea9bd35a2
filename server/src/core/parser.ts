/**
 * The one owner of tree-sitter: loads web-tree-sitter and the tree-sitter-c grammar once,
 * and parses kernel C. Every caller (CLI, language server, tests, benchmarks) goes through here.
 *
 * Kernel attribute macros that tree-sitter-c cannot parse (`__user`, `__must_check`, …) are
 * blanked with spaces of the same length before parsing, so offsets and positions stay valid.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Edit, Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree } from 'web-tree-sitter';
export { Edit } from 'web-tree-sitter';

let ready: Promise<Language> | undefined;

/** Finds a wasm file next to the bundle (dist/) or in node_modules when running from source. */
function locate(file: string, pkgPath: string): string {
  const besideBundle = path.join(__dirname, file);
  if (fs.existsSync(besideBundle)) return besideBundle;
  return require.resolve(pkgPath);
}

/** Initialises the runtime and loads the C grammar; safe to call many times. */
export function loadCLanguage(): Promise<Language> {
  ready ??= (async () => {
    await Parser.init({
      locateFile: () => locate('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'),
    });
    return Language.load(fs.readFileSync(locate('tree-sitter-c.wasm', 'tree-sitter-c/tree-sitter-c.wasm')));
  })();
  return ready;
}

/** Creates a parser for kernel C. The caller owns it and its trees (`delete()` them). */
export async function createCParser(): Promise<Parser> {
  const language = await loadCLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** Attribute-like macros, blanked before parsing. Those with arguments take one balanced group. */
const BARE_ATTRIBUTES = [
  '__user',
  '__iomem',
  '__force',
  '__rcu',
  '__percpu',
  '__bitwise',
  '__init',
  '__exit',
  '__initdata',
  '__must_check',
  '__always_inline',
  'noinline',
  '__maybe_unused',
  '__always_unused',
  'notrace',
  'asmlinkage',
  '__cold',
  '__hot',
  '__weak',
  '__pure',
  '__ref',
  '__meminit',
  '__sched',
  '__kprobes',
  '__nocfi',
  '__noreturn',
  '__latent_entropy',
  '__randomize_layout',
  '__read_mostly',
  '__ro_after_init',
  '__visible',
  '__used',
  '__packed',
  'inline_for_debug',
  '__private',
  '__safe',
  '__nocast',
  '__noclone',
  '__flatten',
  '__always_unused',
  'noinstr',
  '__cpuidle',
  '__deprecated',
];
const CALL_ATTRIBUTES = [
  '__acquires',
  '__releases',
  '__must_hold',
  '__aligned',
  '__attribute__',
  '__section',
  '__printf',
  '__scanf',
  '__alloc_size',
  '__counted_by',
  '__cond_acquires',
  '__no_sanitize_address',
  '__malloc',
];

const bareRe = new RegExp(`\\b(?:${BARE_ATTRIBUTES.join('|')})\\b`, 'g');
const callRe = new RegExp(`\\b(?:${CALL_ATTRIBUTES.join('|')})\\s*\\(`, 'g');

/**
 * Returns `text` with kernel attribute macros replaced by spaces (same length, newlines kept).
 * Linear: each match is scanned once; argument groups are matched by a bounded paren counter.
 */
export function blankAttributes(text: string): string {
  if (
    !text.includes('__') &&
    !text.includes('noinline') &&
    !text.includes('notrace') &&
    !text.includes('asmlinkage') &&
    !text.includes('noinstr')
  )
    return text;
  let last = 0;
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(bareRe)) spans.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(callRe)) {
    let depth = 0;
    let end = -1;
    // Bounded: an attribute's argument list is short; give up past 512 characters.
    for (let i = m.index + m[0].length - 1; i < text.length && i < m.index + 512; i++) {
      const c = text.charCodeAt(i);
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    if (end > 0) spans.push([m.index, end]);
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  for (const [s, e] of spans) {
    if (s < last) continue;
    out.push(text.slice(last, s), text.slice(s, e).replace(/[^\n\r]/g, ' '));
    last = e;
  }
  out.push(text.slice(last));
  return out.join('');
}

/**
 * Parses kernel C text (attributes blanked). Incremental when `oldTree` was edited to match.
 * `blanked`: blankAttributes(text) when the caller has it already (the server, per keystroke).
 */
export function parseKernelC(parser: Parser, text: string, oldTree?: Tree | null, blanked?: string): Tree {
  const tree = parser.parse(blanked ?? blankAttributes(text), oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** Counts ERROR and MISSING nodes (used to prove fixes introduce none). */
export function countErrorNodes(root: Node): number {
  let n = 0;
  const cursor = root.walk();
  let done = false;
  while (!done) {
    const node = cursor.currentNode;
    if (node.isError || node.isMissing) n++;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  cursor.delete();
  return n;
}

export function treeEdit(e: ConstructorParameters<typeof Edit>[0]): Edit {
  return new Edit(e);
}

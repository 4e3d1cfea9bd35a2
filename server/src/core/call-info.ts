/**
 * What an acquisition or release call is in the active API model: its family, what releases it,
 * what it gives back. Used by the language server's hover (in C, patches and mails). Which calls
 * pair with it is not decided here: that is the matcher's data flow (pairing-query.ts).
 */
import {
  ACQUISITIONS,
  RELEASES,
  batchReleaseFor,
  counterpartKey,
  expectedReleaseClass,
  familyAtCall,
  findAcquisition,
  findRelease,
  releaseClassAtCall,
  singleReleaseFor,
  type AcquisitionFamily,
  type AcquisitionSpec,
  type NeededClass,
  type ReleaseClass,
  type ReleaseSpec,
} from './api-table.ts';
import { squash } from './matcher/syntax.ts';
import type { Node } from './parser.ts';
import type { ApiModel, Range } from './types.ts';

export type CallRole = 'acquisition' | 'release';

export interface CallSite {
  role: CallRole;
  name: string;
  /** The call's function name. */
  nameRange: Range;
  /** The whole call expression. */
  callRange: Range;
  /** Base of the pages (acquisition) or page/pages (release) argument, when it has one. */
  object?: string;
}

export interface CallInfo {
  site: CallSite;
  acquisition?: AcquisitionSpec;
  release?: ReleaseSpec;
  /** One line: the family and what the call means in the model. */
  summary: string;
  /** For acquisitions: the releases that give these pages back, in this model. */
  releasedWith: string[];
  /** For releases: whether a page from each family may be given back with it in this model. */
  pairsWith: string[];
  /** Name of the enclosing function, when there is one. */
  functionName?: string;
}

const FAMILY_TEXT: Record<AcquisitionFamily, (m: ApiModel) => string> = {
  gup: (m) =>
    m === 'put_user_page'
      ? 'GUP acquisition: in the 2019 put_user_page model every get_user_pages* page is a pin'
      : 'FOLL_GET acquisition: ordinary page references (upstream model)',
  pin: () => 'FOLL_PIN acquisition: the pages are pinned (counted with GUP_PIN_COUNTING_BIAS from 5.7)',
  ref: () => 'takes ordinary page references',
  extract: () =>
    'pins only when iov_iter_extract_will_pin() is true (user-backed iterators); otherwise takes no reference',
};

const CLASS_TEXT: Record<ReleaseClass, string> = {
  ref: 'drops ordinary page references',
  pin: 'drops pins',
  free: 'frees a page the kernel allocated (never right for pages from get_user_pages*/pin_user_pages*, which the user still maps)',
  matching:
    'drops whatever the pages hold (a pin or a reference), as recorded with them at run time or by the amount passed',
};

/**
 * How each family is named where a release says what it gives back: by its entry point, not by
 * its shortest member (which for pins is folio_add_pin(), a 6.5 helper, not what callers use).
 */
const FAMILY_NAME: Record<AcquisitionFamily, string> = {
  gup: 'get_user_pages*',
  pin: 'pin_user_pages*',
  ref: 'iov_iter_get_pages*',
  extract: 'iov_iter_extract_pages',
};

/** An api-table era ('all', '5.6+', '≤5.7', '5.8–5.17', 'RFC 2019, 5.2–5.5') as a sentence. */
export function eraText(era: string): string {
  const m = /^(all|≤\s*[\d.]+|[\d.]+\+|[\d.]+–[\d.]+|RFC 2019, [\d.]+–[\d.]+)(.*)$/.exec(era);
  if (!m) return `Kernels: ${era}.`;
  const [, span, rest] = m as unknown as [string, string, string];
  const tail = rest.trim();
  let text: string;
  if (span === 'all') text = 'In every kernel version';
  else if (span.startsWith('≤')) text = `Until Linux ${span.slice(1).trim()}`;
  else if (span.endsWith('+')) text = `Since Linux ${span.slice(0, -1)}`;
  else if (span.startsWith('RFC')) text = `In the 2019 RFC and Linux ${span.slice('RFC 2019, '.length)}`;
  else text = `In Linux ${span}`;
  return `${text}${tail ? ` ${tail}` : ''}.`;
}

const modelName = (m: ApiModel) => (m === 'put_user_page' ? 'put_user_page (2019)' : 'unpin_user_page (upstream)');

function range(n: Node): Range {
  return {
    start: { line: n.startPosition.row, column: n.startPosition.column },
    end: { line: n.endPosition.row, column: n.endPosition.column },
  };
}

/** Release calls that match a wanted release class in a model (single, batch, dirtying). */
function releasesFor(cls: NeededClass, model: ApiModel, family: AcquisitionFamily): string[] {
  if (cls === 'ref') {
    return RELEASES.filter((r) => r.cls === 'ref' && r.object === 'page' && r.era === 'all').map((r) => r.name);
  }
  // The same choice as the findings' advice: pin_user_pages* pages need unpin_user_page* in every model.
  const key = counterpartKey(cls, model, family);
  return [singleReleaseFor(key), batchReleaseFor(key, false), batchReleaseFor(key, true)].filter(
    (n): n is string => !!n,
  );
}

/** Base of a page/pages expression: `&pages[i]` → `pages`; `ctx->pages` → `ctx->pages`. */
export function objectBase(node: Node | null): string | undefined {
  let n: Node | null = node;
  for (let guard = 0; n && guard < 32; guard++) {
    switch (n.type) {
      case 'identifier':
        return n.text;
      case 'field_expression':
        return squash(n.text);
      case 'pointer_expression':
      case 'subscript_expression':
        n = n.childForFieldName('argument');
        break;
      case 'binary_expression':
        n = n.childForFieldName('left');
        break;
      case 'cast_expression':
        n = n.childForFieldName('value');
        break;
      case 'parenthesized_expression':
        n = n.namedChild(0);
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

function argumentsOf(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return args ? args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];
}

/** The call site for a call_expression whose function is a known acquisition or release. */
export function callSiteOf(call: Node): CallSite | undefined {
  const fn = call.childForFieldName('function');
  if (!fn || fn.type !== 'identifier') return undefined;
  const name = fn.text;
  const args = argumentsOf(call);
  const acq = findAcquisition(name);
  if (acq) {
    const idx = acq.pagesArg[args.length];
    return {
      role: 'acquisition',
      name,
      nameRange: range(fn),
      callRange: range(call),
      object: idx === undefined ? undefined : objectBase(args[idx] ?? null),
    };
  }
  const rel = findRelease(name);
  if (rel) {
    return {
      role: 'release',
      name,
      nameRange: range(fn),
      callRange: range(call),
      object: objectBase(args[rel.objectArg] ?? null),
    };
  }
  return undefined;
}

/** The call_expression whose function name is at (line, column), if it is a known API call. */
export function apiCallAt(root: Node, line: number, column: number): Node | undefined {
  const node = root.descendantForPosition({ row: line, column });
  if (!node || node.type !== 'identifier') return undefined;
  const call = node.parent;
  if (!call || call.type !== 'call_expression' || call.childForFieldName('function')?.id !== node.id) return undefined;
  return findAcquisition(node.text) || findRelease(node.text) ? call : undefined;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let n: Node | null = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

function functionNameOf(fn: Node): string | undefined {
  let d = fn.childForFieldName('declarator');
  for (let guard = 0; d && guard < 16; guard++) {
    if (d.type === 'identifier') return d.text;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

/** Describes the API call `call` in `model`. */
export function describeCall(call: Node, model: ApiModel): CallInfo | undefined {
  const site = callSiteOf(call);
  if (!site) return undefined;
  const fn = enclosingFunction(call);
  const functionName = fn ? functionNameOf(fn) : undefined;
  if (site.role === 'acquisition') {
    const acquisition = findAcquisition(site.name)!;
    // mm-internal calls: the flags passed at this call decide the family, as the matcher reads them.
    const family = familyAtCall(
      acquisition,
      argumentsOf(call).map((a) => a.text),
    );
    const cls = family ? expectedReleaseClass(family, model) : undefined;
    const what = family
      ? FAMILY_TEXT[family](model)
      : 'mm-internal acquisition: the gup flags passed decide (FOLL_PIN pins, FOLL_GET takes references), and here they do not say which';
    return {
      site,
      acquisition,
      summary: `${what}. Model: ${modelName(model)}. ${eraText(acquisition.era)}`,
      releasedWith: cls && family ? releasesFor(cls, model, family) : [],
      pairsWith: [],
      functionName,
    };
  }
  const release = findRelease(site.name)!;
  // page_ref_sub(page, n): the amount at this call decides, as the matcher reads it.
  const cls = releaseClassAtCall(
    release,
    argumentsOf(call).map((a) => a.text),
  );
  const families = [...new Set(ACQUISITIONS.map((a) => a.family))].filter(
    (f) => cls === 'matching' || expectedReleaseClass(f, model) === cls,
  );
  return {
    site,
    release,
    summary: `Release: ${CLASS_TEXT[cls]}${release.batch ? ' (batch)' : ''}. Model: ${modelName(model)}. ${eraText(release.era)}`,
    releasedWith: [],
    pairsWith: families.map((f) => FAMILY_NAME[f]),
    functionName,
  };
}

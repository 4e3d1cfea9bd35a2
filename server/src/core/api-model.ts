/**
 * The API-model decision (domain.md §3), pure: the caller supplies the evidence (a forced
 * setting, the nearest kernel tree's include/linux/mm.h as read by the project layer, the text of
 * the file or patch) and gets back the model with the evidence that chose it. `auto`: the tree's
 * mm.h decides (declares unpin_user_page → upstream; put_user_page and not unpin_user_page →
 * 2019); without a tree, the text decides only when it calls put_user_page*() (→ 2019); in every
 * other case upstream, the model of every kernel since 5.6.
 */
import { DEFAULT_GUP_PIN_COUNTING_BIAS } from './api-table.ts';
import type { ApiModel, ApiModelSetting, KernelTreeInfo, ModelChoice } from './types.ts';

/** A put_user_page*() call (put_user_page, put_user_pages, put_user_pages_dirty_lock, …). */
const PUT_USER_PAGE_CALL_RE = /\bput_user_pages?(?:_dirty(?:_lock)?)?\s*\(/;

/** What an include/linux/mm.h says about the API: the project layer reads it, this reads the text. */
export function kernelTreeInfo(mmHeader: string, text: string): KernelTreeInfo {
  const declares = /\bunpin_user_page\b/.test(text)
    ? 'unpin_user_page'
    : /\bput_user_page\b/.test(text)
      ? 'put_user_page'
      : 'neither';
  const unpinFolio = /\bunpin_folio\b/.test(text);
  return { mmHeader, declares, bias: biasFromHeader(text), ...(unpinFolio ? { unpinFolio } : {}) };
}

/**
 * GUP_PIN_COUNTING_BIAS as #defined in mm.h (`(1U << 10)` or a plain number), else the default.
 * Linear: the blanks before the value belong to one quantifier unless a `(` separates them.
 */
export function biasFromHeader(text: string): number {
  const m =
    /#define\s+GUP_PIN_COUNTING_BIAS\s+(?:\(\s*)?(?:(\d+)U?L?\s*<<\s*(\d+)|(0x[0-9a-fA-F]+|\d+)U?L?)\s*\)?/.exec(text);
  if (!m) return DEFAULT_GUP_PIN_COUNTING_BIAS;
  if (m[1] !== undefined) return Number(m[1]) * 2 ** Number(m[2]);
  return Number(m[3]);
}

/** 1-based line and name of the first put_user_page*() call in `text`, if any. */
function firstPutUserPageCall(text: string): { line: number; call: string } | undefined {
  const m = PUT_USER_PAGE_CALL_RE.exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
  return { line, call: m[0].replace(/\s*\($/, '') };
}

/**
 * The model for one file or patch. `tree`: the nearest kernel tree's mm.h (null: none found;
 * undefined: not looked up, e.g. stdin). `texts`: the file, or a patch as given and as decoded
 * (the first one that calls put_user_page*() is the evidence). `what` names the text in the reason.
 */
export function decideModel(
  setting: ApiModelSetting | undefined,
  tree: KernelTreeInfo | null | undefined,
  texts: string | readonly string[],
  what: 'file' | 'patch' = 'file',
): ModelChoice {
  const choice = chooseModel(setting, tree, texts, what);
  const list = typeof texts === 'string' ? [texts] : texts;
  return tree?.unpinFolio || list.some((t) => FOLIO_PIN_6_11_RE.test(t)) ? { ...choice, unpinFolio: true } : choice;
}

/** A call of a folio pin function of Linux 6.11+ (memfd_pin_folios, unpin_folio(s), unpin_user_folio). */
const FOLIO_PIN_6_11_RE = /\b(?:memfd_pin_folios|unpin_folios?|unpin_user_folio)\s*\(/;

function chooseModel(
  setting: ApiModelSetting | undefined,
  tree: KernelTreeInfo | null | undefined,
  texts: string | readonly string[],
  what: 'file' | 'patch',
): ModelChoice {
  if (setting && setting !== 'auto')
    return { model: setting, reason: 'set by the user', evidence: { kind: 'setting' } };
  if (tree) {
    const model: ApiModel = tree.declares === 'put_user_page' ? 'put_user_page' : 'unpin_user_page';
    const says =
      tree.declares === 'unpin_user_page'
        ? 'declares unpin_user_page()'
        : tree.declares === 'put_user_page'
          ? 'declares put_user_page() and not unpin_user_page()'
          : 'declares neither put_user_page() nor unpin_user_page(), upstream';
    return {
      model,
      reason: `auto: ${tree.mmHeader} ${says}`,
      evidence: { kind: 'kernel-tree', mmHeader: tree.mmHeader, declares: tree.declares },
    };
  }
  for (const text of typeof texts === 'string' ? [texts] : texts) {
    const call = firstPutUserPageCall(text);
    if (call) {
      // A patch's line would be one of its decoded body, not of the input: named only for files.
      const at = what === 'file' ? ` (line ${call.line})` : '';
      return {
        model: 'put_user_page',
        reason: `auto: no kernel tree, the ${what} calls ${call.call}()${at}: the 2019 API`,
        evidence: { kind: 'text', call: call.call, ...(what === 'file' ? { line: call.line } : {}) },
      };
    }
  }
  return {
    model: 'unpin_user_page',
    reason: `auto: no kernel tree and no put_user_page*() call in the ${what}: upstream (Linux 5.6 and later)`,
    evidence: { kind: 'default' },
  };
}

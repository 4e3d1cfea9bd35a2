/**
 * Driving the VS Code workbench served by code-server with playwright-core and Debian's chromium.
 * Every wait polls the DOM with a deadline (waitFor / playwright's auto-waiting), never a sleep.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { waitFor } from './poll.ts';

export const CHROMIUM = process.env.GUP_REVIEW_E2E_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A browser with a fresh temporary profile (playwright's launch() creates and removes one).
 * `scratchDir` takes what chromium would otherwise write under ~/.config and ~/.cache
 * (its crash-report database).
 */
export async function launchBrowser(scratchDir: string): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: run test/e2e/setup.sh (apt-get install chromium)`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.XDG_CONFIG_HOME = path.join(scratchDir, 'config');
  env.XDG_CACHE_HOME = path.join(scratchDir, 'cache');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env, timeout: 60_000 });
}

export async function openWorkbench(browser: Browser, url: string, folder: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${url}?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  return page;
}

/** Opens a file by clicking its row in the Explorer; waits until its tab is the active one. */
export async function openFromExplorer(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 30_000 });
  await activeEditor(page).locator('.view-lines .view-line').first().waitFor({ state: 'visible', timeout: 30_000 });
}

export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** The token span that shows exactly `text` in the active editor. */
export function token(page: Page, text: string): Locator {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return activeEditor(page)
    .locator('.view-lines .view-line span span', { hasText: new RegExp(`^${escaped}$`) })
    .first();
}

/** The rendered line (`.view-line`) whose text contains `text`. */
export function line(page: Page, text: string): Locator {
  return activeEditor(page).locator('.view-lines .view-line', { hasText: text }).first();
}

/** Squiggles drawn in the active editor (any severity: warning, error, info, hint). */
export async function squiggleCount(page: Page): Promise<number> {
  return activeEditor(page).locator('.view-overlays [class*="squiggly-"]').count();
}

/** Vertical extent of each squiggle, to tell which line one is on. */
export async function squiggleTops(page: Page): Promise<number[]> {
  const boxes = await activeEditor(page)
    .locator('.view-overlays [class*="squiggly-"]')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
  return boxes;
}

/** True when a squiggle is drawn on the same screen row as `loc` (a locator or a screen box). */
export async function squiggleOn(page: Page, loc: Locator | { y: number; height: number }): Promise<boolean> {
  const box = 'boundingBox' in loc ? await loc.boundingBox() : loc;
  if (!box) return false;
  const tops = await squiggleTops(page);
  return tops.some((t) => t >= box.y - 2 && t <= box.y + box.height + 2);
}

/** Moves the mouse onto `loc` and returns the visible hover's text once it matches `expect`. */
export async function hoverText(page: Page, loc: Locator, expect: RegExp, timeoutMs = 15_000): Promise<string> {
  const box = await loc.boundingBox();
  if (!box) throw new Error('hover target is not visible');
  return hoverBoxText(page, box, expect, timeoutMs);
}

/**
 * Places the caret on `loc`, opens Quick Fix (Ctrl+.) and returns the listed actions. The key is
 * pressed again every 2 s until the menu shows: a press that lands while the editor is still
 * taking focus, or before the code actions arrive, is otherwise lost.
 */
export async function openQuickFix(page: Page, loc: Locator, timeoutMs = 20_000): Promise<Locator> {
  await loc.click();
  const rows = page.locator('.action-widget .monaco-list-row');
  let lastPress = 0;
  await waitFor(
    async () => {
      if (await rows.first().isVisible()) return true;
      if (Date.now() - lastPress > 2000) {
        lastPress = Date.now();
        await page.keyboard.press('Control+Period');
      }
      return false;
    },
    { what: 'the Quick Fix menu after Ctrl+.', timeoutMs, intervalMs: 100 },
  );
  return rows;
}

export async function rowTexts(rows: Locator): Promise<string[]> {
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Label of the language mode in the status bar ("C", "Plain Text", …). */
export async function languageMode(page: Page): Promise<string> {
  const item = page.locator('#status\\.editor\\.mode');
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  return (await item.innerText()).trim();
}

/**
 * Screen box of `substring` inside the rendered line containing it (tokens may split it across
 * spans, so this measures a DOM Range over the line's text nodes).
 */
export async function textBox(
  page: Page,
  substring: string,
  timeoutMs = 10_000,
): Promise<{ x: number; y: number; width: number; height: number }> {
  // Retried: the editor re-renders a line's spans while it tokenizes, so one measurement can miss.
  return waitFor(
    async () => {
      const box = await line(page, substring).evaluate(
        (el, needle) => {
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const nodes: Text[] = [];
          let text = '';
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            nodes.push(n as Text);
            text += (n as Text).data;
          }
          // Monaco renders spaces as U+00A0.
          const at = text.replace(/\u00a0/g, ' ').indexOf(needle);
          if (at < 0) return null;
          const range = document.createRange();
          let offset = 0;
          for (const n of nodes) {
            const end = offset + n.data.length;
            if (at >= offset && at < end) range.setStart(n, at - offset);
            if (at + needle.length > offset && at + needle.length <= end) range.setEnd(n, at + needle.length - offset);
            offset = end;
          }
          const r = range.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        },
        substring,
        { timeout: 1000 },
      );
      return box && box.width > 0 ? box : undefined;
    },
    { what: `"${substring}" to be rendered`, timeoutMs, intervalMs: 100 },
  );
}

/**
 * Moves the mouse into `box` and returns the visible hover's text once it matches `expect`.
 * The pointer wiggles by a pixel between polls: the editor ignores a pointer that has not moved.
 */
export async function hoverBoxText(
  page: Page,
  box: { x: number; y: number; width: number; height: number },
  expect: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  let n = 0;
  return waitFor(
    async () => {
      n++;
      await page.mouse.move(box.x + box.width / 2 + (n % 3) - 1, box.y + box.height / 2);
      const hovers = page.locator('.monaco-hover:not(.hidden)');
      const count = await hovers.count();
      for (let i = 0; i < count; i++) {
        const text = await hovers.nth(i).innerText({ timeout: 1000 });
        if (expect.test(text)) return text;
      }
      return undefined;
    },
    { what: `a hover matching ${expect}`, timeoutMs, intervalMs: 250 },
  );
}

/**
 * Parts of the visible hover (or popup) whose content is cut off: an element with more content
 * than room, vertically (a scrollbar) or horizontally (text cut off at the edge), and whether the
 * box itself reaches past the viewport.
 */
export async function overflowOf(page: Page, selector = '.monaco-hover:not(.hidden)'): Promise<string[]> {
  const box = page.locator(selector).last();
  return box.evaluate((root) => {
    const out: string[] = [];
    const r = root.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 || r.bottom > window.innerHeight + 1 || r.left < -1 || r.top < -1)
      out.push(
        `box ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} leaves the ${window.innerWidth}×${window.innerHeight} viewport`,
      );
    for (const el of [root, ...Array.from(root.querySelectorAll('*'))] as HTMLElement[]) {
      if (el.clientHeight > 0 && el.scrollHeight > el.clientHeight + 2)
        out.push(`${el.className || el.tagName}: ${el.scrollHeight}px of content in ${el.clientHeight}px`);
      // Sideways, a few pixels are margins of rules and code spans (nothing the eye misses); a
      // cut-off word or link is more.
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 16)
        out.push(
          `${el.className || el.tagName}: ${el.scrollWidth}px wide in ${el.clientWidth}px: ${el.innerText.slice(0, 80)}`,
        );
    }
    return out;
  });
}

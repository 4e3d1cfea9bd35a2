/**
 * End-to-end test in a real VS Code (code-server + playwright-core + Debian's chromium).
 *
 *   npm run e2e                       # setup.sh (cached install), then this runner
 *   node --import tsx test/e2e/run.ts [--vsix FILE] [--keep] [--update-images] [--restricted]
 *
 * Packages the VSIX (npm run package), installs it into a fresh extensions dir, starts
 * code-server on a free local port in its own process group, opens a copy of
 * test/e2e/workspace/ and checks, in the browser, what a user sees: the squiggle on a wrong
 * release, the refcount decode in a hover, the quick fix applied with Ctrl+. making the squiggle
 * go, undo/redo bringing it back and removing it while the file stays unsaved, and the quoted-patch reply (.eml) opening in our mail language with the finding on the quoted
 * line and a refcount in the prose decoded on hover. Screenshots, logs and summary.json go to
 * test-results/e2e/. --update-images copies the README crops to client/images/ after a run where
 * every check passed. --restricted runs the same checks with workspace trust on, the folder
 * untrusted (Restricted Mode; the manifest declares untrusted workspaces supported), and writes
 * to test-results/e2e-restricted/. Exit 0: all passed; 1: a check failed; 2: the test could not
 * run (setup).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  installExtension,
  locateCodeServer,
  RESTRICTED_SETTINGS,
  startCodeServer,
  UserError,
  writeUserSettings,
  type RunningCodeServer,
} from './code-server.ts';
import { waitFor } from './poll.ts';
import {
  activeEditor,
  hoverBoxText,
  hoverText,
  languageMode,
  launchBrowser,
  line,
  openFromExplorer,
  openQuickFix,
  openWorkbench,
  overflowOf,
  rowTexts,
  squiggleCount,
  squiggleOn,
  textBox,
  token,
} from './workbench.ts';

const root = path.join(__dirname, '..', '..');
const restrictedRun = process.argv.includes('--restricted');
const resultsDir = path.join(root, 'test-results', restrictedRun ? 'e2e-restricted' : 'e2e');
const fixtureDir = path.join(__dirname, 'workspace');

/** What the fixture contains and what the server must say about it. */
const C_FILE = 'demo-pin.c';
const MAIL_FILE = 'review-reply.eml';
const WRONG_RELEASE_LINE = 'put_page(page);';
const FIXED_LINE = 'unpin_user_page(page);';
const REFCOUNT_LITERAL = '0xC00003'; // 12288 pins + 3 ordinary references
const DECODE_EXPECT = /12[,. ]?288 pins/;
/** `3 * 1024 + 1`: hovering the 1024 decodes the whole constant expression. */
const REFCOUNT_EXPRESSION_LINE = '3 * 1024 + 1';
const EXPRESSION_DECODE_EXPECT = /3[,. ]?073/;
const QUICK_FIX_EXPECT = /unpin_user_page/;
const MAIL_QUOTED_RELEASE = 'put_page(page);';
/** A refcount in the reviewer's prose, as dump_page() would print it: 1 pin + 1 reference. */
const MAIL_LOG_VALUE = 'refcount:1025';
const MAIL_LOG_EXPECT = /\b1 pin\b/;
/** First diagnostics wait for extension activation, server start and wasm load. */
const FIRST_DIAGNOSTIC_TIMEOUT_MS = 90_000;

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  contributes?: { languages?: Array<{ id: string; extensions?: string[]; aliases?: string[] }> };
}

interface Summary {
  steps: Array<{ name: string; ms: number; ok: boolean; detail?: string }>;
  hover?: string;
  expressionHover?: string;
  diagnosticHover?: string;
  quickFixes?: string[];
  biasHover?: string;
  releaseHover?: string;
  languageStatus?: string;
  restrictedMode?: boolean;
  mailLanguageMode?: string;
  mailHover?: string;
  screenshots: string[];
}

const summary: Summary = { steps: [], screenshots: [] };

interface Args {
  vsix?: string;
  keep: boolean;
  updateImages: boolean;
  restricted: boolean;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { keep: false, updateImages: false, restricted: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--keep') out.keep = true;
    else if (a === '--update-images') out.updateImages = true;
    else if (a === '--restricted') out.restricted = true;
    else if (a === '--vsix') {
      const v = argv[++i];
      if (!v || !fs.existsSync(v)) throw new UserError(`--vsix needs an existing .vsix file, got ${v ?? 'nothing'}`);
      out.vsix = path.resolve(v);
    } else
      throw new UserError(
        `unknown argument ${a} (usage: run.ts [--vsix FILE] [--keep] [--update-images] [--restricted])`,
      );
  }
  return out;
}

async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = Date.now();
  try {
    const v = await fn();
    const ms = Date.now() - t0;
    summary.steps.push({ name, ms, ok: true });
    console.log(`ok - ${name} (${ms} ms)`);
    return v;
  } catch (e) {
    const ms = Date.now() - t0;
    const detail = e instanceof Error ? e.message : String(e);
    summary.steps.push({ name, ms, ok: false, detail });
    console.log(`not ok - ${name} (${ms} ms)\n  ${detail.split('\n').join('\n  ')}`);
    throw e;
  }
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

async function shot(
  page: Page,
  name: string,
  clip?: { x: number; y: number; width: number; height: number },
): Promise<void> {
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, clip });
  summary.screenshots.push(path.relative(root, file));
}

/** A crop around the given elements plus the editor's left edge (line numbers), for the README. */
async function cropAround(
  page: Page,
  locs: Locator[],
  pad = 40,
): Promise<{ x: number; y: number; width: number; height: number }> {
  const editorBox = await activeEditor(page).boundingBox();
  const boxes = [];
  for (const l of locs) {
    const b = await l.boundingBox();
    if (b) boxes.push(b);
  }
  if (!editorBox || boxes.length === 0) throw new Error('nothing to crop around');
  const vp = page.viewportSize() ?? { width: 1280, height: 800 };
  const x = Math.max(0, editorBox.x);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
  const right = Math.min(vp.width, Math.max(...boxes.map((b) => b.x + b.width)) + pad);
  const bottom = Math.min(vp.height, Math.max(...boxes.map((b) => b.y + b.height)) + pad);
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

function packageVsix(tmp: string): string {
  const out = path.join(tmp, 'gup-review.vsix');
  const r = spawnSync('npm', ['run', 'package', '--silent', '--', '--out', out], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(out)) {
    throw new Error(`npm run package failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return out;
}

/** README screenshots (client/images/) come from a fully passing run: readme-NAME.png → NAME.png. */
const README_IMAGES = ['diagnostic', 'hover', 'quickfix', 'mail'];

function updateReadmeImages(): void {
  const dir = path.join(root, 'client', 'images');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of README_IMAGES) {
    fs.copyFileSync(path.join(resultsDir, `readme-${name}.png`), path.join(dir, `${name}.png`));
  }
  console.log(`# updated ${README_IMAGES.map((n) => `client/images/${n}.png`).join(', ')}`);
}

function copyLogs(userDataDir: string): void {
  const logs = path.join(userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(resultsDir, 'vscode-logs'), { recursive: true });
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const install = locateCodeServer();
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gup-review-e2e-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(extensionsDir, { recursive: true });

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  // One cleanup, whoever asks first (the signal handler or the main flow's finally): stop
  // code-server's process group first (what must never leak), then the browser, then the files.
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await server?.stop().catch((e: unknown) => console.log(`# stopping code-server: ${String(e)}`));
      await Promise.race([browser?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]);
      copyLogs(userDataDir);
      if (args.keep) console.log(`# kept ${tmp}`);
      else fs.rmSync(tmp, { recursive: true, force: true });
    })());
  const onSignal = (sig: NodeJS.Signals): void => {
    console.log(`\n${sig}: stopping code-server`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const vsix = await step('package the VSIX', () => args.vsix ?? packageVsix(tmp));
    const installed = await step('install the VSIX into a fresh extensions dir', () => {
      const dir = installExtension(install, vsix, extensionsDir, userDataDir);
      const expected = `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase();
      check(dir === expected, `installed as ${dir}, expected ${expected}`);
      check(
        fs.existsSync(path.join(extensionsDir, dir, 'dist', 'server.js')),
        'installed extension lacks dist/server.js',
      );
      return JSON.parse(fs.readFileSync(path.join(extensionsDir, dir, 'package.json'), 'utf8')) as Manifest;
    });
    fs.cpSync(fixtureDir, workspace, { recursive: true });
    writeUserSettings(userDataDir, args.restricted ? RESTRICTED_SETTINGS : {});
    server = await step('start code-server', () =>
      startCodeServer(install, {
        userDataDir,
        extensionsDir,
        workspace,
        logFile: path.join(resultsDir, 'code-server.log'),
        restricted: args.restricted,
      }),
    );
    console.log(`# code-server ${server.url} (pid/pgid ${server.pid})`);
    browser = await step('launch chromium', () => launchBrowser(path.join(tmp, 'browser')));
    const p = (page = await step('open the workbench', () => openWorkbench(browser!, server!.url, workspace)));
    await shot(p, '01-workbench');
    if (args.restricted) {
      await step('the window is in Restricted Mode', async () => {
        await waitFor(async () => (await p.getByText('Restricted Mode').count()) > 0, {
          what: 'the Restricted Mode indicator',
          timeoutMs: 30_000,
        });
        summary.restrictedMode = true;
      });
    }

    await step(`open ${C_FILE}`, () => openFromExplorer(p, C_FILE));
    await shot(p, '02-c-file-open');

    const wrong = token(p, 'put_page');
    await step('squiggle on the wrong release', async () => {
      await waitFor(() => squiggleOn(p, wrong), {
        what: `a squiggle on ${WRONG_RELEASE_LINE}`,
        timeoutMs: FIRST_DIAGNOSTIC_TIMEOUT_MS,
        intervalMs: 250,
      });
    });
    await shot(p, '03-diagnostic');

    await step('the GUP sites view lists the pin with its finding, and a click opens the line', async () => {
      const header = p.locator('.pane-header', { hasText: /GUP sites/i }).first();
      await header.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      const pane = p.locator('.pane', { has: header }).first();
      const subsystem = pane.locator('.monaco-list-row', { hasText: /1 site · 1 with findings/ }).first();
      await subsystem.waitFor({ state: 'visible', timeout: 60_000 });
      if ((await subsystem.getAttribute('aria-expanded')) !== 'true') await subsystem.click();
      const site = pane.locator('.monaco-list-row', { hasText: /pin_user_pages_fast\(\) · line \d+/ }).first();
      await site.waitFor({ state: 'visible', timeout: 30_000 });
      const text = (await site.textContent()) ?? '';
      check(/wrong/.test(text), `the site row does not say a release is wrong: ${text}`);
      await shot(p, '03b-gup-sites-view');
      await site.click();
      await waitFor(async () => (await line(p, 'pin_user_pages_fast').isVisible()) || undefined, {
        what: 'the site opens at its line',
        timeoutMs: 10_000,
        intervalMs: 250,
      });
    });

    await step('diagnostic hover names the rule', async () => {
      const text = await hoverText(p, wrong, /wrong-release/);
      summary.diagnosticHover = text;
      check(/gup-review/.test(text), `diagnostic hover lacks the source "gup-review":\n${text}`);
      await shot(p, '04-diagnostic-hover');
      await shot(
        p,
        'readme-diagnostic',
        await cropAround(p, [line(p, WRONG_RELEASE_LINE), p.locator('.monaco-hover:not(.hidden)').first()]),
      );
    });

    await step(`hover ${REFCOUNT_LITERAL} shows the decode`, async () => {
      await p.mouse.move(5, 5); // leave the previous hover
      const lit = token(p, REFCOUNT_LITERAL);
      const text = await hoverText(p, lit, DECODE_EXPECT);
      summary.hover = text;
      check(/\b3 refs?\b/.test(text), `decode hover does not show the 3 ordinary references:\n${text}`);
      const cut = await overflowOf(p);
      check(cut.length === 0, `the decode hover does not fit:\n${cut.join('\n')}`);
      await shot(p, '05-refcount-hover');
      await shot(
        p,
        'readme-hover',
        await cropAround(p, [line(p, REFCOUNT_LITERAL), p.locator('.monaco-hover:not(.hidden)').first()]),
      );
    });

    await step(`hover 1024 in ${REFCOUNT_EXPRESSION_LINE} decodes the expression`, async () => {
      await p.mouse.move(5, 5);
      const lit = line(p, REFCOUNT_EXPRESSION_LINE)
        .locator('span span', { hasText: /^1024$/ })
        .first();
      const text = await hoverText(p, lit, EXPRESSION_DECODE_EXPECT);
      summary.expressionHover = text;
      check(/\b3 pins\b/.test(text) && /\b1 ref\b/.test(text), `expression hover is not "3 pins, 1 ref":\n${text}`);
    });

    await step('hover GUP_PIN_COUNTING_BIAS inside an expression shows the bias model first', async () => {
      await p.mouse.move(5, 5);
      const text = await hoverText(p, token(p, 'GUP_PIN_COUNTING_BIAS'), /GUP_PIN_COUNTING_BIAS = 1024/);
      summary.biasHover = text;
      const model = text.indexOf('GUP_PIN_COUNTING_BIAS = 1024');
      const expr = text.indexOf('2 * GUP_PIN_COUNTING_BIAS');
      check(expr < 0 || model < expr, `the expression comes before the bias model:\n${text}`);
      const cut = await overflowOf(p);
      check(cut.length === 0, `the bias hover does not fit:\n${cut.join('\n')}`);
      await shot(p, '05b-bias-hover');
    });

    await step('the language status popup fits the window', async () => {
      await p.mouse.move(5, 5);
      const item = p.locator('[id="status.languageStatus"]');
      await item.waitFor({ state: 'visible', timeout: 15_000 });
      await item.click();
      const popup = p.locator('.monaco-hover:not(.hidden)', { hasText: 'GUP' });
      await popup.waitFor({ state: 'visible', timeout: 10_000 });
      summary.languageStatus = await popup.innerText();
      await shot(p, '05c-language-status');
      const cut = await overflowOf(p, '.monaco-hover:not(.hidden)');
      await p.keyboard.press('Escape');
      check(cut.length === 0, `the language status popup is cut off:\n${cut.join('\n')}`);
    });

    await step('quick fix with Ctrl+. removes the squiggle', async () => {
      await p.mouse.move(5, 5);
      const rows = await openQuickFix(p, wrong);
      const titles = await rowTexts(rows);
      summary.quickFixes = titles;
      await shot(p, '06-quick-fix-menu');
      await shot(
        p,
        'readme-quickfix',
        await cropAround(p, [line(p, WRONG_RELEASE_LINE), p.locator('.action-widget').first()]),
      );
      const index = titles.findIndex((t) => QUICK_FIX_EXPECT.test(t));
      check(index >= 0, `no quick fix mentioning ${QUICK_FIX_EXPECT} among: ${JSON.stringify(titles)}`);
      await rows.nth(index).click();
      await waitFor(async () => (await line(p, FIXED_LINE).count()) > 0, {
        what: `the line to read ${FIXED_LINE}`,
        timeoutMs: 10_000,
      });
      await waitFor(async () => (await squiggleCount(p)) === 0, {
        what: 'every squiggle in the file to go',
        timeoutMs: 15_000,
      });
      await shot(p, '07-fixed');
    });

    await step('undo brings the squiggle back and redo removes it, unsaved (analysis follows edits)', async () => {
      await line(p, FIXED_LINE).click();
      await p.keyboard.press('Control+Z');
      await waitFor(async () => (await line(p, WRONG_RELEASE_LINE).count()) > 0, {
        what: `undo to restore ${WRONG_RELEASE_LINE}`,
        timeoutMs: 10_000,
      });
      await waitFor(() => squiggleOn(p, token(p, 'put_page')), {
        what: 'the squiggle to come back after undo',
        timeoutMs: 15_000,
        intervalMs: 100,
      });
      await p.keyboard.press('Control+Shift+Z');
      await waitFor(async () => (await line(p, FIXED_LINE).count()) > 0, {
        what: `redo to restore ${FIXED_LINE}`,
        timeoutMs: 10_000,
      });
      await waitFor(async () => (await squiggleCount(p)) === 0, {
        what: 'every squiggle to go after redo',
        timeoutMs: 15_000,
        intervalMs: 100,
      });
      // The editor differs from the file on disk: diagnostics followed the edits, not a save.
      check(
        (await p.locator('.tabs-container .tab.active.dirty').count()) === 1,
        `${C_FILE} should be modified and unsaved`,
      );
    });

    await step('hover unpin_user_pages names pin_user_pages* and its era in words', async () => {
      await line(p, FIXED_LINE).click();
      await p.keyboard.press('Control+End');
      const text = await hoverText(p, token(p, 'unpin_user_pages'), /Gives back pages from/);
      summary.releaseHover = text;
      check(/pin_user_pages\*/.test(text) && !/folio_add_pin/.test(text), `wrong family named:\n${text}`);
      check(!/Exists:/.test(text) && /Since Linux 5\.6\./.test(text), `era not in words:\n${text}`);
      await shot(p, '07b-release-hover');
      await p.mouse.move(5, 5);
    });

    await step(`open ${MAIL_FILE} in the mail language`, async () => {
      const lang = installed.contributes?.languages?.find((l) => l.extensions?.includes('.eml'));
      await openFromExplorer(p, MAIL_FILE);
      await line(p, 'Subject:').waitFor({ state: 'visible', timeout: 10_000 });
      const mode = await languageMode(p);
      summary.mailLanguageMode = mode;
      await p.mouse.move(5, 5);
      await shot(p, '08-mail');
      check(lang !== undefined, 'the installed extension contributes no language for .eml files');
      const expected = lang!.aliases?.[0] ?? lang!.id;
      check(mode === expected, `status bar shows language "${mode}" for ${MAIL_FILE}, expected "${expected}"`);
    });

    await step('squiggle on the quoted wrong release in the mail', async () => {
      const quoted = await textBox(p, MAIL_QUOTED_RELEASE);
      await waitFor(() => squiggleOn(p, quoted), {
        what: `a squiggle on the quoted ${MAIL_QUOTED_RELEASE}`,
        timeoutMs: 30_000,
        intervalMs: 250,
      });
      await shot(p, '09-mail-diagnostic');
      await shot(p, 'readme-mail', await cropAround(p, [line(p, 'diff --git'), line(p, 'maybe-DMA-pinned')], 2));
    });

    await step(`hover ${MAIL_LOG_VALUE} in the mail decodes it`, async () => {
      const text = await hoverBoxText(p, await textBox(p, MAIL_LOG_VALUE), MAIL_LOG_EXPECT);
      summary.mailHover = text;
      await shot(p, '10-mail-hover');
    });
    if (args.updateImages) updateReadmeImages();
    return 0;
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (page) await shot(page, 'failure').catch(() => undefined);
    const log = path.join(resultsDir, 'code-server.log');
    if (fs.existsSync(log))
      console.log(`# code-server.log (last lines):\n${fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}`);
    return 1;
  } finally {
    await cleanup();
    fs.writeFileSync(path.join(resultsDir, 'summary.json'), JSON.stringify(summary, null, 2));
    console.log(`# screenshots and logs: ${path.relative(process.cwd(), resultsDir) || '.'}/`);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UserError) {
      console.error(`e2e: ${e.message}`);
      process.exit(2);
    }
    console.error(e);
    process.exit(1);
  },
);

/**
 * Test harness: spawns `node dist/server.js --stdio` and talks real LSP to it over stdio.
 * Collects published diagnostics and status notifications, answers workspace/configuration from a
 * settings object the test controls, and waits for conditions with a deadline (never fixed sleeps).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type {
  ClientCapabilities,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export interface Published {
  version?: number;
  diagnostics: Diagnostic[];
}

export class LspSession {
  readonly diagnostics = new Map<string, Published>();
  /** Every publishDiagnostics in arrival order (uri, version, when), for order and count checks. */
  readonly publishLog: Array<{ uri: string; version?: number; at: number }> = [];
  /** Called at each publishDiagnostics (diagnosticsFor waits on them, not on a polling timer). */
  private readonly publishWaiters = new Set<() => void>();
  /** $/logTrace messages (sent only after `$/setTrace` to messages or verbose). */
  readonly traces: string[] = [];
  readonly statuses = new Map<string, Record<string, unknown>>();
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly logs: string[] = [];
  /** What workspace/configuration answers for the `gupReview` section (per scopeUri if a function). */
  settings: Record<string, unknown> | ((scopeUri?: string) => Record<string, unknown>) = {};
  configurationRequests = 0;
  stderr = '';
  exited: number | null = null;
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();
  initializeResult?: InitializeResult;
  /** Round trip of the initialize request (process start excluded). */
  initializeMs = 0;

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: ProtocolConnection,
  ) {}

  /**
   * `capabilities`: extra client capabilities, merged over the defaults (a VS Code-like push
   * client that takes Markdown hovers). `initialize: false` leaves the session uninitialized.
   */
  static async start(
    options: {
      workspaceFolders?: string[];
      pullConfiguration?: boolean;
      server?: string;
      capabilities?: ClientCapabilities;
      initialize?: boolean;
    } = {},
  ): Promise<LspSession> {
    const proc = spawn(process.execPath, [options.server ?? SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const s = new LspSession(proc, conn);
    proc.stderr!.on('data', (d: Buffer) => (s.stderr += d.toString()));
    proc.on('exit', (code) => (s.exited = code ?? -1));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      s.diagnostics.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      s.publishLog.push({ uri: p.uri, version: p.version, at: performance.now() });
      for (const w of [...s.publishWaiters]) w();
    });
    conn.onNotification('$/logTrace', (p: { message: string }) => {
      s.traces.push(p.message);
    });
    conn.onNotification('gupReview/status', (p: Record<string, unknown>) => {
      s.statuses.set(String(p.uri), p);
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      s.logs.push(p.message);
    });
    conn.onNotification('gupReview/checkWorkspaceProgress', (params: unknown) => {
      s.notifications.push({ method: 'gupReview/checkWorkspaceProgress', params });
    });
    conn.onRequest('workspace/configuration', (p: { items: Array<{ scopeUri?: string; section?: string }> }) => {
      s.configurationRequests++;
      return p.items.map((item) => (typeof s.settings === 'function' ? s.settings(item.scopeUri) : s.settings));
    });
    conn.onRequest('client/registerCapability', () => null);
    conn.onNotification('window/showMessage', (params: unknown) => {
      s.notifications.push({ method: 'window/showMessage', params });
    });
    conn.onNotification('$/progress', (params: unknown) => {
      s.notifications.push({ method: '$/progress', params });
    });
    conn.onRequest('window/workDoneProgress/create', (params: unknown) => {
      s.notifications.push({ method: 'window/workDoneProgress/create', params });
      return null;
    });
    conn.onRequest('workspace/diagnostic/refresh', () => {
      s.notifications.push({ method: 'workspace/diagnostic/refresh', params: null });
      return null;
    });
    conn.listen();
    if (options.initialize === false) return s;
    await s.initialize(options);
    return s;
  }

  async initialize(
    options: { workspaceFolders?: string[]; pullConfiguration?: boolean; capabilities?: ClientCapabilities } = {},
  ): Promise<void> {
    const conn = this.conn;
    const pull = options.pullConfiguration ?? true;
    const extra = options.capabilities ?? {};
    const t0 = performance.now();
    this.initializeResult = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        ...extra,
        workspace: {
          configuration: pull,
          didChangeConfiguration: { dynamicRegistration: true },
          workspaceFolders: true,
          ...extra.workspace,
        },
        textDocument: {
          publishDiagnostics: {
            relatedInformation: true,
            versionSupport: true,
            codeDescriptionSupport: true,
            dataSupport: true,
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          ...extra.textDocument,
        },
      },
      workspaceFolders: (options.workspaceFolders ?? []).map((uri) => ({ uri, name: path.basename(uri) })),
    });
    this.initializeMs = performance.now() - t0;
    await conn.sendNotification('initialized', {});
  }

  open(uri: string, text: string, languageId = 'c'): void {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Sends incremental changes (applied here too, so the test knows the text) and returns the version. */
  change(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    let text = this.texts.get(uri) ?? '';
    for (const c of changes) {
      if ('range' in c && c.range) {
        const s = offsetOf(text, c.range.start);
        const e = offsetOf(text, c.range.end);
        text = text.slice(0, s) + c.text + text.slice(e);
      } else text = c.text;
    }
    this.texts.set(uri, text);
    void this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  /**
   * Sends one didChange per entry of `burst` in a single write to the server's stdin, as a client
   * that queues keystrokes faster than the server reads them: all of them reach the server's
   * message queue together. Call it when no other message is being written. Returns the last version.
   */
  changeBurst(uri: string, burst: TextDocumentContentChangeEvent[][]): number {
    const frames: string[] = [];
    for (const changes of burst) {
      const version = (this.versions.get(uri) ?? 0) + 1;
      this.versions.set(uri, version);
      let text = this.texts.get(uri) ?? '';
      for (const c of changes) {
        if ('range' in c && c.range) {
          text = text.slice(0, offsetOf(text, c.range.start)) + c.text + text.slice(offsetOf(text, c.range.end));
        } else text = c.text;
      }
      this.texts.set(uri, text);
      const body = JSON.stringify({
        jsonrpc: '2.0',
        method: 'textDocument/didChange',
        params: { textDocument: { uri, version }, contentChanges: changes },
      });
      frames.push(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    }
    this.proc.stdin!.write(frames.join(''));
    return this.version(uri);
  }

  /** Inserts `insert` at the first occurrence of `anchor` (after it when `after`). */
  insertAt(uri: string, anchor: string, insert: string, after = false): number {
    const text = this.text(uri);
    const idx = text.indexOf(anchor);
    if (idx < 0) throw new Error(`anchor not found: ${anchor}`);
    const pos = positionOf(text, idx + (after ? anchor.length : 0));
    return this.change(uri, [{ range: { start: pos, end: pos }, text: insert }]);
  }

  /** Replaces the first occurrence of `from` with `to`. */
  replace(uri: string, from: string, to: string): number {
    const text = this.text(uri);
    const idx = text.indexOf(from);
    if (idx < 0) throw new Error(`text not found: ${from}`);
    return this.change(uri, [
      { range: { start: positionOf(text, idx), end: positionOf(text, idx + from.length) }, text: to },
    ]);
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /**
   * Closes the document and forgets its diagnostics: a reopen (version 1 again) then waits for its
   * own publish, not the previous open's of the same version, which the close's clear may not
   * have replaced yet.
   */
  close(uri: string): void {
    this.diagnostics.delete(uri);
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * Diagnostics published for the document's current version. Resolved from the notification
   * itself (a polling timer would add up to its period to every latency the benchmark measures).
   */
  async diagnosticsFor(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const version = this.version(uri);
    const have = () => {
      const d = this.diagnostics.get(uri);
      return d && d.version === version ? d : undefined;
    };
    const now = have();
    if (now) return now.diagnostics;
    let waiter: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<Diagnostic[]>((resolve, reject) => {
        waiter = () => {
          const d = have();
          if (d) resolve(d.diagnostics);
        };
        this.publishWaiters.add(waiter);
        timer = setTimeout(
          () => reject(new Error(`timed out waiting for diagnostics for ${uri} v${version}`)),
          timeoutMs,
        );
      });
    } finally {
      if (waiter) this.publishWaiters.delete(waiter);
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    if (this.exited === null) {
      try {
        await withTimeout(this.conn.sendRequest('shutdown'), 5000);
        await this.conn.sendNotification('exit');
      } catch {
        /* killed below */
      }
      await waitFor(() => this.exited !== null || undefined, 5000, 'server exit').catch(() => this.proc.kill());
    }
    this.conn.dispose();
  }
}

export function offsetOf(text: string, pos: { line: number; character: number }): number {
  let off = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(off + pos.character, text.length);
}

export function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Position of the first occurrence of `needle` (plus `delta` characters) in `text`. */
export function positionOfText(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`not found: ${needle}`);
  }
  return positionOf(text, idx + delta);
}

export async function waitFor<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function fileUri(p: string): string {
  return `file://${p}`;
}

/** Applies LSP text edits (non-overlapping) to text, as an editor would. */
export function applyLspEdits(
  text: string,
  edits: Array<{
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    newText: string;
  }>,
): string {
  const spans = edits
    .map((e) => ({ s: offsetOf(text, e.range.start), e: offsetOf(text, e.range.end), t: e.newText }))
    .sort((a, b) => b.s - a.s);
  let out = text;
  for (const sp of spans) out = out.slice(0, sp.s) + sp.t + out.slice(sp.e);
  return out;
}

/** Reads a fixture under test/lsp/fixtures. */
export function fixture(name: string): string {
  return (require('node:fs') as typeof import('node:fs')).readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
}

/**
 * A small stand-in for the `vscode` module, enough for the client's status item and commands to
 * run under node:test. It records what the client does (items, messages, clipboard, settings) and
 * lets the test script the user's answers (input box, quick pick).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

type Listener<T> = (e: T) => void;
class Emitter<T> {
  private listeners: Array<Listener<T>> = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T) {
    for (const l of this.listeners) l(e);
  }
}

export class Uri {
  constructor(readonly fsPath: string) {}
  static file(p: string) {
    return new Uri(p);
  }
  static joinPath(base: Uri, ...parts: string[]) {
    return new Uri(path.join(base.fsPath, ...parts));
  }
  toString() {
    return pathToFileURL(this.fsPath).href;
  }
}

export enum LanguageStatusSeverity {
  Information = 0,
  Warning = 1,
  Error = 2,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}
export enum FileType {
  File = 1,
  Directory = 2,
}

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  text: string;
}

/** What the test controls and inspects. */
export const fake = {
  statusItems: [] as Array<Record<string, unknown>>,
  info: [] as string[],
  errors: [] as string[],
  clipboard: '',
  inputBoxAnswer: undefined as string | undefined,
  quickPickAnswer: (items: Array<{ label: string }>) => items[0] as unknown,
  settings: new Map<string, unknown>(),
  updates: [] as Array<{ key: string; value: unknown; target: ConfigurationTarget }>,
  progress: [] as Array<{ message?: string; increment?: number }>,
  progressOptions: undefined as Record<string, unknown> | undefined,
  cancelProgress: false,
  opened: [] as Array<{ language?: string; content?: string }>,
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as string[],
  activeEditorChanged: new Emitter<unknown>(),
  workspaceFolders: [{ uri: Uri.file('/ws') }] as Array<{ uri: Uri }> | undefined,
};

export const window = {
  activeTextEditor: undefined as undefined | { document: FakeDocument; selection: { isEmpty: boolean } },
  onDidChangeActiveTextEditor: fake.activeEditorChanged.event,
  showInputBox: async () => fake.inputBoxAnswer,
  showInformationMessage: async (m: string) => {
    fake.info.push(m);
    return undefined;
  },
  showErrorMessage: async (m: string) => {
    fake.errors.push(m);
    return undefined;
  },
  showQuickPick: async (items: Array<{ label: string }>) => fake.quickPickAnswer(items),
  withProgress: async <R>(
    options: Record<string, unknown>,
    task: (
      p: { report: (v: { message?: string; increment?: number }) => void },
      t: { isCancellationRequested: boolean; onCancellationRequested: (l: () => void) => { dispose(): void } },
    ) => Promise<R>,
  ) => {
    fake.progressOptions = options;
    const listeners: Array<() => void> = [];
    const token = {
      isCancellationRequested: false,
      onCancellationRequested: (l: () => void) => {
        listeners.push(l);
        return { dispose() {} };
      },
    };
    const report = (v: { message?: string; increment?: number }) => {
      fake.progress.push(v);
      if (fake.cancelProgress && !token.isCancellationRequested) {
        token.isCancellationRequested = true;
        for (const l of listeners) l();
      }
    };
    return task({ report }, token);
  },
  showTextDocument: async () => undefined,
};

export const languages = {
  createLanguageStatusItem: (id: string, selector: unknown) => {
    const item: Record<string, unknown> = {
      id,
      selector,
      dispose() {
        item.disposed = true;
      },
    };
    fake.statusItems.push(item);
    return item;
  },
};

export const workspace = {
  get workspaceFolders() {
    return fake.workspaceFolders;
  },
  onDidCloseTextDocument: new Emitter<FakeDocument>().event,
  asRelativePath: (p: string) => (p.startsWith('/ws/') ? p.slice(4) : p),
  getConfiguration: (section: string) => ({
    get: <T>(key: string, def: T) => (fake.settings.get(`${section}.${key}`) as T) ?? def,
    update: async (key: string, value: unknown, target: ConfigurationTarget) => {
      fake.updates.push({ key: `${section}.${key}`, value, target });
      fake.settings.set(`${section}.${key}`, value);
    },
  }),
  fs: {
    readDirectory: async (u: Uri) =>
      fs
        .readdirSync(u.fsPath, { withFileTypes: true })
        .map((d) => [d.name, d.isFile() ? FileType.File : FileType.Directory]),
    readFile: async (u: Uri) => new Uint8Array(fs.readFileSync(u.fsPath)),
  },
  openTextDocument: async (o: { language?: string; content?: string }) => {
    fake.opened.push(o);
    return o;
  },
};

export const commands = {
  registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
    fake.commands.set(id, fn);
    return { dispose: () => fake.commands.delete(id) };
  },
  executeCommand: async (id: string) => {
    fake.executed.push(id);
  },
};

export const env = {
  clipboard: {
    writeText: async (t: string) => {
      fake.clipboard = t;
    },
  },
};

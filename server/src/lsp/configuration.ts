/**
 * Pulls settings per document with workspace/configuration (scopeUri = the document), caches
 * them, and forgets them on didChangeConfiguration. Clients without workspace/configuration get
 * the settings pushed in didChangeConfiguration, or the defaults.
 */
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_SECTION, type ServerSettings } from './settings.ts';

export class ConfigurationProvider {
  private readonly perDocument = new Map<string, Promise<ServerSettings>>();
  private pushed: ServerSettings = DEFAULT_SETTINGS;
  /** Set from the client's capabilities in initialize. */
  pull = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<ServerSettings> {
    if (!this.pull) return Promise.resolve(this.pushed);
    let settings = this.perDocument.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then(parseSettings, (err: unknown) => {
          this.connection.console.error(`gup-review: workspace/configuration failed: ${String(err)}`);
          return DEFAULT_SETTINGS;
        });
      this.perDocument.set(uri, settings);
    }
    return settings;
  }

  /** didChangeConfiguration: drop cached settings; keep pushed ones for clients that push. */
  changed(pushedSettings: unknown): void {
    this.perDocument.clear();
    if (!this.pull && pushedSettings && typeof pushedSettings === 'object') {
      this.pushed = parseSettings((pushedSettings as Record<string, unknown>)[SETTINGS_SECTION]);
    }
  }

  forget(uri: string): void {
    this.perDocument.delete(uri);
  }
}

/**
 * The "GUP sites" view in the Explorer: every acquisition site of the workspace as the server's
 * inventory sees it (gupReview/inventory), subsystem → file → site, with the family and status
 * as icon and description; a click opens the line. It refreshes when the server says the
 * workspace index changed (debounced, and only while the view is visible), and from its title
 * bar. "Open GUP Inventory Report" shows the same inventory as the HTML report in a webview.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  INDEX_CHANGED_NOTIFICATION,
  INVENTORY_REQUEST,
  type InventoryResult,
  type InventorySite,
} from '../../server/src/lsp/protocol.ts';

type Node =
  | { kind: 'subsystem'; name: string; sites: InventorySite[] }
  | { kind: 'file'; file: string; path: string; sites: InventorySite[] }
  | { kind: 'site'; site: InventorySite };

const STATUS_ICON: Record<InventorySite['status'], vscode.ThemeIcon> = {
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  finding: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  unknown: new vscode.ThemeIcon('question'),
};

function count(sites: readonly InventorySite[]): string {
  const findings = sites.filter((s) => s.status === 'finding').length;
  return `${sites.length} site${sites.length === 1 ? '' : 's'}${findings ? ` · ${findings} with findings` : ''}`;
}

export class SitesView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private sites: Promise<InventorySite[]> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private view: vscode.TreeView<Node> | undefined;

  constructor(private readonly client: () => LanguageClient) {}

  register(context: vscode.ExtensionContext): void {
    this.view = vscode.window.createTreeView('gupReview.sites', { treeDataProvider: this, showCollapseAll: true });
    context.subscriptions.push(
      this.view,
      vscode.commands.registerCommand('gupReview.refreshSites', () => this.refresh()),
      vscode.commands.registerCommand('gupReview.openInventoryReport', () => this.openReport()),
      this.view.onDidChangeVisibility((e) => e.visible && this.refresh()),
    );
  }

  /** After the client started: follow the index. */
  listen(): void {
    this.client().onNotification(INDEX_CHANGED_NOTIFICATION, () => {
      if (!this.view?.visible) {
        this.sites = undefined;
        return;
      }
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.refresh(), 1500);
    });
  }

  refresh(): void {
    this.sites = undefined;
    this.changed.fire(undefined);
  }

  private load(): Promise<InventorySite[]> {
    this.sites ??= this.client()
      .sendRequest<InventoryResult>(INVENTORY_REQUEST, { format: 'sites' })
      .then((r) => r.sites ?? []);
    return this.sites;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const by = new Map<string, InventorySite[]>();
      for (const s of await this.load()) by.set(s.subsystem, [...(by.get(s.subsystem) ?? []), s]);
      return [...by].map(([name, sites]) => ({ kind: 'subsystem', name, sites }));
    }
    if (node.kind === 'subsystem') {
      const by = new Map<string, InventorySite[]>();
      for (const s of node.sites) by.set(s.file, [...(by.get(s.file) ?? []), s]);
      return [...by].map(([file, sites]) => ({ kind: 'file', file, path: sites[0]!.path, sites }));
    }
    if (node.kind === 'file') return node.sites.map((site) => ({ kind: 'site', site }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'subsystem') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = count(node.sites);
      item.iconPath = node.sites.some((s) => s.status === 'finding')
        ? STATUS_ICON.finding
        : new vscode.ThemeIcon('folder');
      return item;
    }
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(vscode.Uri.file(node.file), vscode.TreeItemCollapsibleState.Expanded);
      item.description = count(node.sites);
      return item;
    }
    const s = node.site;
    const item = new vscode.TreeItem(`${s.call}() · line ${s.line}`, vscode.TreeItemCollapsibleState.None);
    item.description = `${s.family} · ${s.summary}`;
    item.tooltip = `${s.path}:${s.line} in ${s.function}(): ${s.summary} (${s.status})`;
    item.iconPath = STATUS_ICON[s.status];
    item.command = {
      title: 'Open',
      command: 'vscode.open',
      arguments: [
        vscode.Uri.file(s.file),
        { selection: new vscode.Range(s.line - 1, s.column - 1, s.line - 1, s.column - 1 + s.call.length) },
      ],
    };
    return item;
  }

  private async openReport(): Promise<void> {
    const r = await this.client().sendRequest<InventoryResult>(INVENTORY_REQUEST, { format: 'html' });
    const panel = vscode.window.createWebviewPanel('gupReview.inventory', 'GUP Inventory', vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    panel.webview.html = r.html ?? '<p>No inventory: the workspace has no C folder.</p>';
  }
}

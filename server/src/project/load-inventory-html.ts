/**
 * Loads the HTML report renderer (inventory-html.ts) on demand: from the bundle next to the
 * running one (dist/inventory-html.js), or from source under tsx. The CLI and the server bundles
 * stay free of vega.
 */
import * as path from 'node:path';
import type { InventoryReport } from '../core/ownership/inventory.ts';

export async function renderHtml(report: InventoryReport, cwd: string): Promise<string> {
  const file = __filename.endsWith('.ts')
    ? path.join(__dirname, 'inventory-html.ts')
    : path.join(__dirname, 'inventory-html.js');

  const mod = require(file) as { inventoryHtml: (r: InventoryReport, cwd: string) => Promise<string> };
  return mod.inventoryHtml(report, cwd);
}

/**
 * The inventory as one self-contained HTML file: no network, no CDN. Two stacked-bar charts per
 * subsystem (sites by family; sites by status) drawn as SVG at build time by vega-lite + vega
 * (headless, renderer 'none'), a sortable and filterable table in a few lines of inline script,
 * and each row linked to its source line (vscode://file/… and the plain relative path). Bundled
 * on its own (dist/inventory-html.js, loaded by load-inventory-html.ts) so that neither the CLI
 * nor the server loads vega for anything else. Asked by `gup-review inventory --format html` and
 * the server's report command.
 */
import * as path from 'node:path';
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { InventoryReport } from '../core/ownership/inventory.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const FAMILY_COLORS = { pin: '#d62728', gup: '#1f77b4', ref: '#9467bd', extract: '#ff7f0e' };
const STATUS_COLORS = { ok: '#2ca02c', finding: '#d62728', unknown: '#7f7f7f' };

async function stackedBars(
  values: Array<{ subsystem: string; key: string; n: number }>,
  title: string,
  colors: Record<string, string>,
): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 420,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'subsystem', type: 'nominal', sort: 'ascending', title: null },
      x: { field: 'n', type: 'quantitative', aggregate: 'sum', title: 'acquisition sites' },
      color: {
        field: 'key',
        type: 'nominal',
        title: null,
        scale: { domain: Object.keys(colors), range: Object.values(colors) },
      },
      tooltip: [{ field: 'subsystem' }, { field: 'key' }, { field: 'n', aggregate: 'sum' }],
    },
  };
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const SCRIPT = `
const table = document.getElementById('sites');
const rows = [...table.tBodies[0].rows];
const filter = document.getElementById('filter');
const status = document.getElementById('status');
function apply() {
  const q = filter.value.toLowerCase();
  let shown = 0;
  for (const r of rows) {
    const ok = (!q || r.textContent.toLowerCase().includes(q)) && (!status.value || r.dataset.status === status.value);
    r.hidden = !ok;
    if (ok) shown++;
  }
  document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' sites';
}
filter.addEventListener('input', apply);
status.addEventListener('change', apply);
for (const th of table.tHead.rows[0].cells) {
  th.addEventListener('click', () => {
    const i = th.cellIndex;
    const dir = th.dataset.dir === 'asc' ? 'desc' : 'asc';
    for (const o of table.tHead.rows[0].cells) delete o.dataset.dir;
    th.dataset.dir = dir;
    const key = (r) => r.cells[i].dataset.sort ?? r.cells[i].textContent;
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      const c = x.localeCompare(y, undefined, { numeric: true });
      return dir === 'asc' ? c : -c;
    });
    for (const r of rows) table.tBodies[0].appendChild(r);
  });
}
apply();
`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .2em; }
.charts { display: flex; flex-wrap: wrap; gap: 2em; margin: 1em 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
col.site { width: 17%; } col.fn, col.call { width: 11%; } col.small { width: 5.5%; } col.goes { width: 25%; } col.sub { width: 7%; }
th { cursor: pointer; background: #f4f4f4; position: sticky; top: 0; user-select: none; }
th[data-dir=asc]::after { content: ' ▲'; } th[data-dir=desc]::after { content: ' ▼'; }
td.status-finding { color: #b00; font-weight: 600; } td.status-ok { color: #070; } td.status-unknown { color: #666; }
code { font-size: 13px; } .controls { margin: .5em 0; display: flex; gap: 1em; align-items: center; }
a.open { font-size: 12px; margin-left: .4em; }
`;

/** The report page; `cwd` resolves the rows' paths for vscode://file links. */
export async function inventoryHtml(report: InventoryReport, cwd: string): Promise<string> {
  const { totals, subsystems } = report.summary;
  const byFamily = subsystems.flatMap((s) =>
    Object.entries(s.byFamily).map(([key, n]) => ({ subsystem: s.name, key, n })),
  );
  const byStatus = subsystems.flatMap((s) =>
    Object.entries(s.byStatus).map(([key, n]) => ({ subsystem: s.name, key, n })),
  );
  const charts = subsystems.length
    ? [
        await stackedBars(byFamily, 'Sites per subsystem, by family', FAMILY_COLORS),
        await stackedBars(byStatus, 'Sites per subsystem, by status', STATUS_COLORS),
      ]
    : [];
  const rows = report.sites
    .map((r) => {
      const abs = path.resolve(cwd, r.file);
      const vscode = `vscode://file${abs.startsWith('/') ? '' : '/'}${encodeURI(abs)}:${r.line}:${r.column}`;
      const flags = r.flags.map((f) => f.replace(/^FOLL_/, '')).join(' ');
      return (
        `<tr data-status="${r.status}">` +
        `<td>${esc(r.subsystem)}</td>` +
        `<td data-sort="${esc(r.path)}:${String(r.line).padStart(6, '0')}"><a href="${esc(r.file)}" title="${esc(r.file)}">${esc(r.path)}:${r.line}</a><a class="open" href="${esc(vscode)}" title="open in VS Code">↗</a></td>` +
        `<td><code>${esc(r.function)}()</code></td><td><code>${esc(r.call)}()</code></td>` +
        `<td>${r.family}</td><td>${esc(flags)}</td>` +
        `<td class="status-${r.status}">${r.status}</td><td>${r.everyPath}</td>` +
        `<td>${r.goes.map(esc).join('<br>') || 'no release seen'}</td>` +
        `<td>${r.findings.map((f) => `${esc(f.rule)} (${esc(path.basename(f.file))}:${f.line})`).join('<br>')}</td></tr>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>gup-review inventory</title><style>${STYLE}</style></head><body>
<h1>GUP acquisition sites</h1>
<p>${totals.sites} sites in ${subsystems.length} subsystems: ${totals.byFamily.pin} pin, ${totals.byFamily.gup} gup, ${totals.byFamily.ref} ref, ${totals.byFamily.extract} extract;
${totals.byStatus.ok} ok, ${totals.byStatus.finding} with findings, ${totals.byStatus.unknown} unknown; ${totals.longterm} long-term.
API model: ${esc(report.api)}. gup-review ${esc(report.tool.version)}.</p>
<div class="charts">${charts.join('\n')}</div>
<div class="controls"><input id="filter" type="search" placeholder="filter (file, function, call, …)" size="40">
<select id="status"><option value="">any status</option><option value="finding">finding</option><option value="unknown">unknown</option><option value="ok">ok</option></select>
<span id="shown"></span></div>
<table id="sites"><colgroup><col class="sub"><col class="site"><col class="fn"><col class="call"><col class="small"><col class="small"><col class="small"><col class="small"><col class="goes"><col></colgroup><thead><tr><th>subsystem</th><th>site</th><th>function</th><th>call</th><th>family</th><th>flags</th><th>status</th><th>every path</th><th>where the pages go</th><th>findings</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}

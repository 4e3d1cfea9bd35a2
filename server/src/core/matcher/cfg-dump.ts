/**
 * A deterministic text dump of a CFG, for golden files and for reading a graph by hand. Nodes are
 * numbered in source order (entry first, the closing brace last; a node without a statement just
 * before its first successor). One line per node: number, kind, source line and the first
 * line of its statement, the marks (loop, opaque, #if key, switch), and the successors
 * (`T:`/`F:` for a branch, the case label for a switch).
 */
import type { Cfg, CfgNode } from './cfg.ts';

const firstLine = (text: string): string => {
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length > 72 ? `${line.slice(0, 69)}...` : line;
};

export function dumpCfg(cfg: Cfg): string {
  // Source order: a node sits where its statement starts; a node without one (a label's join,
  // an #if or a condition-less loop header) just before the first of its successors.
  const keyMemo = new Map<number, number>();
  const key = (id: number, depth = 0): number => {
    const memo = keyMemo.get(id);
    if (memo !== undefined) return memo;
    const n = cfg.nodes[id]!;
    let k: number;
    if (n.kind === 'entry') k = -1;
    else if (n.kind === 'exit') k = Infinity;
    else if (n.ast) k = n.ast.startIndex;
    else if (depth > 16) k = Infinity;
    else k = Math.min(Infinity, ...n.succ.filter((s) => s !== id).map((s) => key(s, depth + 1))) - 0.5;
    if (depth === 0) keyMemo.set(id, k);
    return k;
  };
  const order = cfg.nodes
    .map((n) => n.id)
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      const ea = cfg.nodes[a]!.kind === 'exit' ? 1 : 0;
      const eb = cfg.nodes[b]!.kind === 'exit' ? 1 : 0;
      return ea - eb || a - b;
    });
  const num = new Map(order.map((id, i) => [id, i]));
  const ref = (id: number) => `n${num.get(id)}`;

  // A label's name, from the gotos that jump to it (a label nobody jumps to stays a plain join).
  const labels = new Map<number, Set<string>>();
  for (const n of cfg.nodes) {
    if (n.ast?.type !== 'goto_statement') continue;
    const name = n.ast.childForFieldName('label')?.text ?? '?';
    for (const s of n.succ) {
      if (!labels.has(s)) labels.set(s, new Set());
      labels.get(s)!.add(name);
    }
  }

  const describe = (n: CfgNode): string => {
    const parts = [ref(n.id).padEnd(4), n.kind.padEnd(6)];
    if (n.ast && n.kind !== 'entry')
      parts.push(`L${n.ast.startPosition.row + 1}`, JSON.stringify(firstLine(n.ast.text)));
    if (n.kind === 'join' && labels.has(n.id)) parts.push(`label ${[...labels.get(n.id)!].sort().join('/')}`);
    const marks: string[] = [];
    if (n.loop) marks.push(`loop=${n.loop.type.replace('_statement', '')}@L${n.loop.startPosition.row + 1}`);
    if (n.opaque) marks.push('opaque');
    if (n.preprocKey) marks.push(`if=${n.preprocKey}`);
    if (n.switchOn) marks.push(`switch=${JSON.stringify(firstLine(n.switchOn.text))}`);
    if (marks.length > 0) parts.push(`[${marks.join(' ')}]`);
    let succ: string;
    if (n.kind === 'branch' && n.succ.length === 2) succ = `T:${ref(n.succ[0]!)} F:${ref(n.succ[1]!)}`;
    else if (n.switchOn && n.cases) {
      succ = n.succ
        .map((s, i) => {
          const c = n.cases![i];
          const label = c ? firstLine(c.text).replace(/:.*$/, ':') : 'out';
          return `${label} ${ref(s)}`;
        })
        .join(', ');
    } else succ = n.succ.map(ref).join(', ');
    if (succ) parts.push(`-> ${succ}`);
    return parts.join(' ');
  };
  return order.map((id) => describe(cfg.nodes[id]!)).join('\n') + '\n';
}

// Places skill units (Hugging Face parameter names, or heads and neuron blocks of them: engine/kif/units.ts) on a grid:
// rows are layers, encoder then decoder; columns are modules (self-attention, cross-attention, FFN, norms), each split
// into sub-columns (q/k/v/o, wi/wo, or heads and neuron blocks at the finer granularity).

export interface UnitPlace {
  row: string;
  group: string;
  sub: string;
}

export const groups = ['self-attn', 'cross-attn', 'FFN', 'norms', 'other'] as const;

const attention: Record<string, string> = { SelfAttention: 'self-attn', EncDecAttention: 'cross-attn' };

interface Rule {
  pattern: RegExp;
  place(m: RegExpExecArray): UnitPlace;
}

// Registry of name shapes, first match wins; anything else lands in row "other".
const rules: Rule[] = [
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.(SelfAttention|EncDecAttention)\.(q|k|v|o)\.weight$/, place: (m) => ({ row: `${m[1]} ${m[2]}`, group: attention[m[3]], sub: m[4] }) },
  // kif-lora's rank units: rank j of the adapter on q or v, a sub-cell of that module ("q·3").
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.(SelfAttention|EncDecAttention)\.(q|k|v|o)\.lora\|(\d+)$/, place: (m) => ({ row: `${m[1]} ${m[2]}`, group: attention[m[3]], sub: `${m[4]}·${m[5]}` }) },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.(SelfAttention|EncDecAttention)#head(\d+)$/, place: (m) => ({ row: `${m[1]} ${m[2]}`, group: attention[m[3]], sub: `h${m[4]}` }) },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.SelfAttention\.relative_attention_bias\.weight$/, place: (m) => ({ row: `${m[1]} ${m[2]}`, group: 'other', sub: 'rel-pos' }) },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.DenseReluDense\.(wi|wo|wi_0|wi_1)\.weight$/, place: (m) => ({ row: `${m[1]} ${m[2]}`, group: 'FFN', sub: m[3] }) },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.DenseReluDense#neurons(\d+)-\d+$/, place: (m) => ({ row: `${m[1]} ${m[2]}`, group: 'FFN', sub: `n${m[3]}` }) },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.(\d+)\.layer_norm\.weight$/, place: (m) => ({ row: `${m[1]} ${m[2]}`, group: 'norms', sub: `ln${m[3]}` }) },
  { pattern: /^(encoder|decoder)\.final_layer_norm\.weight$/, place: (m) => ({ row: `${m[1]} end`, group: 'norms', sub: 'final' }) },
  { pattern: /^(shared|lm_head)\.weight$/, place: (m) => ({ row: 'embeddings', group: 'other', sub: m[1] === 'shared' ? 'embed' : 'lm_head' }) },
];

export function placeUnit(name: string): UnitPlace {
  for (const r of rules) {
    const m = r.pattern.exec(name);
    if (m) return r.place(m);
  }
  return { row: 'other', group: 'other', sub: name.split('.').slice(-2).join('.') };
}

function rowKey(row: string): [number, number] {
  const m = /^(encoder|decoder) (\d+|end)$/.exec(row);
  if (!m) return [row === 'embeddings' ? 4 : 5, 0];
  return [m[1] === 'encoder' ? 0 : 2, m[2] === 'end' ? 1e6 : Number(m[2])];
}

export interface GridColumn {
  group: string;
  sub: string;
}

export interface UnitGrid {
  rows: string[];
  columns: GridColumn[];
  /** "row|group|sub" → unit name. */
  cells: Map<string, string>;
}

export const cellKey = (row: string, group: string, sub: string) => `${row}|${group}|${sub}`;

/**
 * The unit names to draw for scores keyed by unit: the run's list when it covers them, else the scores' own keys (a
 * strategy with units of its own, as kif-lora's adapter ranks, scores names the run-start list does not hold).
 */
export function unitNamesFor(runUnits: readonly string[], scored: Record<string, unknown>): readonly string[] {
  const known = new Set(runUnits);
  const keys = Object.keys(scored);
  return keys.every((k) => known.has(k)) ? runUnits : keys;
}

/** The grid for a list of unit names: rows in model order, sub-columns in the order units first appear. */
export function unitGrid(names: readonly string[]): UnitGrid {
  const rows = new Set<string>();
  const subs = new Map<string, string[]>(groups.map((g) => [g, []]));
  const cells = new Map<string, string>();
  for (const name of names) {
    const p = placeUnit(name);
    rows.add(p.row);
    const list = subs.get(p.group)!;
    if (!list.includes(p.sub)) list.push(p.sub);
    cells.set(cellKey(p.row, p.group, p.sub), name);
  }
  const sortedRows = [...rows].sort((a, b) => {
    const [ga, ia] = rowKey(a);
    const [gb, ib] = rowKey(b);
    return ga - gb || ia - ib || a.localeCompare(b);
  });
  const columns = groups.flatMap((g) => subs.get(g)!.map((sub) => ({ group: g, sub })));
  return { rows: sortedRows, columns, cells };
}

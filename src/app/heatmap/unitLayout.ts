// Places skill units (Hugging Face parameter names, or heads and neuron blocks of them: engine/kif/units.ts) on a grid:
// rows are layers, encoder then decoder; columns are modules (self-attention, cross-attention, FFN, norms), each split
// into sub-columns (q/k/v/o, wi/wo, or heads and neuron blocks at the finer granularity). Each unit's cell comes from
// its kind's registry entry (engine/kif/unitKindRegistry.ts).
import { heatmapGroups, unitPlace, unitRowOrder } from '../../engine/kif/unitKindRegistry';
import { unitInfoFromName } from '../../engine/kif/unitNames';

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
  const rows = new Map<string, readonly [number, number]>();
  const subs = new Map<string, string[]>(heatmapGroups.map((g) => [g, []]));
  const cells = new Map<string, string>();
  for (const name of names) {
    const info = unitInfoFromName(name);
    const p = unitPlace(info);
    if (!rows.has(p.row)) rows.set(p.row, unitRowOrder(info));
    const list = subs.get(p.group)!;
    if (!list.includes(p.sub)) list.push(p.sub);
    cells.set(cellKey(p.row, p.group, p.sub), name);
  }
  const sortedRows = [...rows.keys()].sort((a, b) => {
    const [ga, ia] = rows.get(a)!;
    const [gb, ib] = rows.get(b)!;
    return ga - gb || ia - ib || a.localeCompare(b);
  });
  const columns = heatmapGroups.flatMap((g) => subs.get(g)!.map((sub) => ({ group: g, sub })));
  return { rows: sortedRows, columns, cells };
}

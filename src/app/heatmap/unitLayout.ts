// Places skill units (Hugging Face parameter names, or heads and neuron blocks of them: engine/kif/units.ts) on a grid:
// rows are layers, encoder then decoder; columns are modules (self-attention, cross-attention, FFN, norms), each split
// into sub-columns (q/k/v/o, wi/wo, or heads and neuron blocks at the finer granularity). Each unit's cell comes from
// its kind's registry entry (engine/kif/unitKindRegistry.ts).
import { heatmapGroups, unitPlace, unitRowOrder, type UnitShape } from '../../engine/kif/unitKindRegistry';
import type { UnitTable } from '../../engine/kif/units';

export interface GridColumn {
  group: string;
  sub: string;
  /** The kind of the column's units (its first unit's), for the kind legend. */
  shape: UnitShape;
}

export interface UnitGrid {
  rows: string[];
  columns: GridColumn[];
  /** "row|group|sub" → unit name. */
  cells: Map<string, string>;
}

export const cellKey = (row: string, group: string, sub: string) => `${row}|${group}|${sub}`;

/** The grid for a table of units: rows in model order, sub-columns in the order units first appear. */
export function unitGrid(units: Pick<UnitTable, 'names' | 'infos'>): UnitGrid {
  const rows = new Map<string, readonly [number, number]>();
  const subs = new Map<string, string[]>(heatmapGroups.map((g) => [g, []]));
  const shapes = new Map<string, UnitShape>();
  const cells = new Map<string, string>();
  units.names.forEach((name, i) => {
    const info = units.infos[i];
    const p = unitPlace(info);
    if (!rows.has(p.row)) rows.set(p.row, unitRowOrder(info));
    const list = subs.get(p.group)!;
    if (!list.includes(p.sub)) list.push(p.sub);
    if (!shapes.has(`${p.group}|${p.sub}`)) shapes.set(`${p.group}|${p.sub}`, info.shape);
    cells.set(cellKey(p.row, p.group, p.sub), name);
  });
  const sortedRows = [...rows.keys()].sort((a, b) => {
    const [ga, ia] = rows.get(a)!;
    const [gb, ib] = rows.get(b)!;
    return ga - gb || ia - ib || a.localeCompare(b);
  });
  const columns = heatmapGroups.flatMap((g) =>
    subs.get(g)!.map((sub) => ({ group: g, sub, shape: shapes.get(`${g}|${sub}`)! })),
  );
  return { rows: sortedRows, columns, cells };
}

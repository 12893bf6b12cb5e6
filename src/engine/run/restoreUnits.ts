// Unit records on the way in: a results document from before they were kept holds unit names only, so its records are
// restored here, once, through the name door (kif/unitNames.ts); views and fusion then read records only.
import type { UnitInfo } from '../kif/unitKindRegistry';
import { unitTableFromNames } from '../kif/unitNames';

interface TableIn {
  granularity: string;
  names: string[];
  infos?: UnitInfo[];
}
interface StrategyIn {
  importance?: { tasks: Record<string, number>[]; accumulated: Record<string, number>[] };
  fusions: { prevWeight: Record<string, number> }[];
  units?: TableIn;
}
type Restored<T> = T extends TableIn ? Omit<T, 'infos'> & { infos: UnitInfo[] } : never;
type DocIn = { units: TableIn; strategies: StrategyIn[] };
type DocOut<D extends DocIn> = Omit<D, 'units' | 'strategies'> & {
  units: Restored<D['units']>;
  strategies: (Omit<D['strategies'][number], 'units'> & { units?: Restored<TableIn> })[];
};

function table(t: TableIn, at: string): { infos: UnitInfo[] } | string {
  if (!t.infos) return unitTableFromNames(t.granularity, t.names);
  if (t.infos.length !== t.names.length)
    return `${at}.infos: has ${t.infos.length} records, one per unit name (${t.names.length}) expected`;
  return { infos: t.infos };
}

/** Every unit a strategy's scores and fusions name, in the order they first appear. */
function scoredNames(s: StrategyIn): string[] {
  const maps = [
    ...(s.importance?.tasks ?? []),
    ...(s.importance?.accumulated ?? []),
    ...s.fusions.map((f) => f.prevWeight),
  ];
  return [...new Set(maps.flatMap((m) => Object.keys(m)))];
}

/**
 * The document with every unit table holding its records: absent ones restored from the names, and a strategy whose
 * scores name units the run does not hold (kif-lora's adapter ranks, before strategies kept their own) given a table.
 */
export function restoreUnits<D extends DocIn>(doc: D): { ok: true; doc: DocOut<D> } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const run = table(doc.units, 'units');
  if (typeof run === 'string') errors.push(run);
  const known = new Set(doc.units.names);
  const strategies = doc.strategies.map((s, i) => {
    if (s.units) {
      const own = table(s.units, `strategies[${i}].units`);
      if (typeof own === 'string') return (errors.push(own), s);
      return { ...s, units: { ...s.units, ...own } };
    }
    const names = scoredNames(s);
    return names.every((n) => known.has(n)) ? s : { ...s, units: unitTableFromNames(doc.units.granularity, names) };
  });
  if (errors.length || typeof run === 'string') return { ok: false, errors };
  return { ok: true, doc: { ...doc, units: { ...doc.units, ...run }, strategies } as unknown as DocOut<D> };
}

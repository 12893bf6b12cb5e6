// Cell looks of the importance heatmap in each view (engine/kif/importanceViews.ts): colour, hover words (the unit's
// name in words, its kind, its rank, its fusion case) and the value tests read.
import type { FusionCase } from '../../engine/kif/fusion';
import type { ImportanceView, ViewValues } from '../../engine/kif/importanceViews';
import { unitKindLabels, unitKindOf, unitWords, type UnitInfo } from '../../engine/kif/unitKindRegistry';
import type { UnitScores } from '../../engine/strategies/types';
import type { CellLook } from '../components/UnitHeatmap';
import { caseStyles, viridis } from './colors';

const fmtScore = (x: number) => (x === 0 ? '0' : x.toExponential(2));

const blueStops = [33, 102, 172];
const redStops = [178, 24, 43];
/** Diverging blue–white–red for signed values: t in [−1, 1]. */
export function diverging(t: number): string {
  const x = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const end = x < 0 ? blueStops : redStops;
  const f = Math.abs(x);
  return `rgb(${end.map((v) => Math.round(255 + (v - 255) * f)).join(',')})`;
}

/** Where each view's colour comes from, for its legend. */
export const viewLegends: Record<ImportanceView, { from: string; to: string; ramp: (t: number) => string }> = {
  raw: { from: 'least important', to: 'most important (log scale)', ramp: viridis },
  normalised: { from: 'far below its kind', to: 'far above its kind (log scale)', ramp: viridis },
  rank: { from: 'last', to: 'rank 1', ramp: viridis },
  'task-specific': { from: 'more for the other tasks', to: 'more for this task', ramp: (t) => diverging(2 * t - 1) },
};

function logScale(values: UnitScores) {
  const positive = Object.values(values).filter((v) => v > 0);
  const lo = Math.log(Math.min(...positive));
  const hi = Math.log(Math.max(...positive));
  return (v: number) => (v > 0 && hi > lo ? (Math.log(v) - lo) / (hi - lo) : 0);
}

/**
 * The look of every unit in view `v`; `raw` gives the raw score for the hover, `infos` each unit's record (its words
 * and kind), `cases` the fusion case when one applies.
 */
export function importanceLook(
  v: ViewValues,
  raw: UnitScores,
  infos: ReadonlyMap<string, UnitInfo>,
  cases?: Readonly<Record<string, FusionCase>>,
): (unit: string) => CellLook | null {
  const n = Object.keys(v.rank).length;
  const colourOf: (x: number) => string =
    v.view === 'rank'
      ? (x) => viridis(n > 1 ? 1 - (x - 1) / (n - 1) : 1)
      : v.view === 'task-specific'
        ? (() => {
            const m = Math.max(...Object.values(v.values).map(Math.abs));
            return (x: number) => diverging(m > 0 ? x / m : 0);
          })()
        : (() => {
            const t = logScale(v.values);
            return (x: number) => viridis(t(x));
          })();
  const shown = (x: number) =>
    v.view === 'rank'
      ? `rank ${x}`
      : v.view === 'raw'
        ? `score ${fmtScore(x)}`
        : v.view === 'normalised'
          ? `${x.toFixed(2)}× its kind's mean`
          : `${x >= 0 ? '+' : ''}${x.toFixed(2)} against the other tasks`;
  return (unit) => {
    const x = v.values[unit];
    const info = infos.get(unit);
    if (x === undefined || !info) return null;
    const [kind, words] = [unitKindOf(info), unitWords(info)];
    const c = cases?.[unit];
    const parts = [
      `${words} (${unitKindLabels[kind]})`,
      `rank ${v.rank[unit]} of ${n}`,
      ...(v.view === 'rank' ? [] : [shown(x)]),
      `raw score ${fmtScore(raw[unit] ?? 0)}`,
      ...(c ? [`fusion case: ${caseStyles[c].label}`] : []),
    ];
    return {
      color: colourOf(x),
      describe: parts.join('; '),
      value: v.view === 'rank' ? String(x) : v.view === 'raw' ? fmtScore(x) : x.toFixed(4),
    };
  };
}

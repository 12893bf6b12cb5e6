// The text alternative of the importance heatmaps: the most important units of each task, highest score first.
import type { UnitScores } from '../../engine/strategies/types';

export function topUnits(scores: UnitScores, n: number): { unit: string; score: number }[] {
  return Object.entries(scores)
    .map(([unit, score]) => ({ unit, score }))
    .sort((a, b) => b.score - a.score || a.unit.localeCompare(b.unit))
    .slice(0, n);
}

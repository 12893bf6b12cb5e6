// Results that were not computed in this tab (a shared link, a results file): the experiment store gets the document
// (matrices, metrics, the Export menu), and the run store gets the strategies as a finished run would have left them,
// because the importance heatmaps, fusion maps, loss curves and samples draw from the run store.
import type { ResultsDocument, StrategyResult } from '../../../engine/experiment/results';
import { useExperimentStore } from '../../experimentStore';
import { initialRunState, useRunStore, type LiveStrategy } from '../../runStore';

/** Loss curves of all tasks end to end, as the live chart numbers its steps. */
function lossPoints(s: StrategyResult): [number, number][] {
  const out: [number, number][] = [];
  let offset = 0;
  for (const c of s.losses) {
    c.steps.forEach((step, i) => out.push([offset + step, c.losses[i]]));
    offset += c.steps.at(-1) ?? 0;
  }
  return out;
}

function liveFrom(doc: ResultsDocument, s: StrategyResult): LiveStrategy {
  const scores = s.importance?.tasks ?? [];
  const last = scores.length - 1;
  return {
    name: s.name,
    label: s.label,
    matrix: s.matrix,
    // The importance view opens on the last task's scores, as after a run.
    live: last >= 0 ? { task: last, step: doc.tasks[last]?.steps ?? 0, scores: scores[last] } : null,
    taskScores: scores,
    accumulated: s.importance?.accumulated ?? [],
    fusions: s.fusions,
    samples: s.samples,
    samplesRow: Math.max(0, s.matrix.length - 1),
    losses: lossPoints(s),
    ...(s.error !== undefined ? { error: s.error } : {}),
    done: true,
  };
}

/** Shows `doc` in every view; a run in progress keeps its own views (its results replace these when it ends). */
export function showResults(doc: ResultsDocument | null): void {
  useExperimentStore.getState().setResults(doc);
  if (!doc || useRunStore.getState().active) return;
  useRunStore.setState({
    ...initialRunState,
    tasks: doc.tasks.map((t) => t.name),
    units: doc.units.names,
    strategies: doc.strategies.map((s) => liveFrom(doc, s)),
  });
}

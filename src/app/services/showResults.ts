// Results that were not computed in this tab (a shared link, a results file, a saved run): a results document is a
// finished run's state, so every view draws it as it is; the experiment store gets it too (the Export menu, what-if).
import type { ResultsDocument } from '../../engine/experiment/results';
import { useExperimentStore } from '../experimentStore';
import { initialRunState, useRunStore } from '../runStore';

/** Shows `doc` in every view; a run in progress keeps its own views (its results replace these when it ends). */
export function showResults(doc: ResultsDocument | null): void {
  useExperimentStore.getState().setResults(doc);
  if (!doc || useRunStore.getState().active) return;
  useRunStore.setState({ ...initialRunState, run: doc });
}

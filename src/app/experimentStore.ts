// The experiment the page shows: the spec being edited (the single source of truth the controls edit, a share link
// carries and the worker runs) and the results of the last run. Other panels (share, save) read and set both; the field
// names are stable.
import { create } from 'zustand';
import { getDemo } from '../engine/experiment/demos';
import type { ResultsDocument } from '../engine/experiment/results';
import type { ExperimentSpec } from '../engine/spec/experiment';
import { editedName } from './editedName';

/** The demo the page opens on. */
export const DEFAULT_DEMO = 'forgetting';

export const demoSpec = (name: string = DEFAULT_DEMO): ExperimentSpec => getDemo(name).spec({ seed: 0 });

export interface ExperimentState {
  spec: ExperimentSpec;
  /** The finished (or stopped) run's results document; null before a run and while one is going. */
  results: ResultsDocument | null;
  /** Replaces the spec (it must be valid: parseSpec's output). Results of an earlier run stay until the next run. */
  setSpec(spec: ExperimentSpec): void;
  setResults(results: ResultsDocument | null): void;
}

export const useExperimentStore = create<ExperimentState>()((set) => ({
  spec: demoSpec(),
  results: null,
  setSpec: (spec) => set({ spec }),
  setResults: (results) => set({ results }),
}));

/** Edits the current spec with a function of it; an edit of a named experiment marks its name "(edited)" (editedName). */
export const updateSpec = (f: (spec: ExperimentSpec) => ExperimentSpec) => {
  const before = useExperimentStore.getState().spec;
  const after = f(before);
  useExperimentStore.getState().setSpec(after === before ? after : editedName(before, after));
};

// A run as the history keeps it: what ran, what it has computed so far, and where a resume would start.
import type { ResultsDocument, StrategyResult } from '../../engine/experiment/results';
import type { RunCheckpoint } from '../../engine/experiment/resume';
import type { ExperimentSpec } from '../../engine/spec/experiment';
import type { RunInputs } from '../runInputs';

/** 'running': the page was running it when last saved (a reload or a closed tab leaves it so: it can be resumed). */
export type RunStatus = 'running' | 'done' | 'stopped';

export interface SavedRun {
  id: string;
  name: string;
  /** Date.now() at start, and at the last save. */
  createdAt: number;
  updatedAt: number;
  spec: ExperimentSpec;
  status: RunStatus;
  /** Results so far, in spec order: the finished strategies, then the one under way (rows up to its last boundary). */
  strategies: StrategyResult[];
  /** The whole results document once the run ended (done or stopped). */
  results: ResultsDocument | null;
  /** Where a resume starts (0-based), from the saved checkpoint; null: from the beginning. */
  resumeAt: { strategy: number; task: number } | null;
  /** Imported datasets and checkpoint weights the run used, when small enough to keep (runInputs.ts). */
  inputs?: RunInputs;
  /** Inputs too large to keep: reopening or resuming the run needs their files imported again. */
  inputsLeftOut?: string[];
}

/** The results so far that a checkpoint holds. */
export const strategiesOf = (cp: RunCheckpoint): StrategyResult[] =>
  cp.current ? [...cp.done, cp.current.result] : cp.done;

/** A fresh record for a run of `spec` starting now. */
export function newRun(spec: ExperimentSpec, now = Date.now()): SavedRun {
  const name = spec.name ?? `${spec.tasks.length} tasks × ${spec.strategies.map((s) => s.name).join(', ')}`;
  return {
    id: `run-${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name,
    createdAt: now,
    updatedAt: now,
    spec,
    status: 'running',
    strategies: [],
    results: null,
    resumeAt: null,
  };
}

// Where saved runs live: IndexedDB in a browser that allows it, else (private mode, a refused open) memory for this
// page only. Both keep the same promise: a failing write leaves everything saved before it as it was.
import type { RunCheckpoint } from '../../engine/experiment/resume';
import type { SavedRun } from './savedRun';

export interface RunStore {
  /** 'indexeddb', or 'memory' when runs last only as long as the page. */
  readonly kind: 'indexeddb' | 'memory';
  /** Every record as stored, newest first; unchecked (savedRunCheck.ts sorts out damaged ones). */
  list(): Promise<SavedRun[]>;
  get(id: string): Promise<SavedRun | undefined>;
  /** Creates or replaces the run record. */
  put(run: SavedRun): Promise<void>;
  /** At a task boundary: the run's record and its new checkpoint, saved together, then the older checkpoint dropped. */
  saveBoundary(run: SavedRun, checkpoint: RunCheckpoint): Promise<void>;
  /** The run's latest checkpoint. */
  checkpoint(id: string): Promise<RunCheckpoint | undefined>;
  /** A run that ended: its record, and its checkpoint dropped (nothing left to resume). */
  finish(run: SavedRun): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  /** The run and its checkpoint. */
  remove(id: string): Promise<void>;
  /** Only the run's checkpoint (a damaged one): the run stays, and resumes from its beginning. */
  dropCheckpoint(id: string): Promise<void>;
}

/** Runs for this page only. */
export function memoryRunStore(): RunStore {
  const runs = new Map<string, SavedRun>();
  const checkpoints = new Map<string, RunCheckpoint>();
  return {
    kind: 'memory',
    list: async () => [...runs.values()].sort((a, b) => b.createdAt - a.createdAt),
    get: async (id) => runs.get(id),
    put: async (run) => void runs.set(run.id, run),
    saveBoundary: async (run, cp) => {
      runs.set(run.id, run);
      checkpoints.set(run.id, cp);
    },
    checkpoint: async (id) => checkpoints.get(id),
    finish: async (run) => {
      runs.set(run.id, run);
      checkpoints.delete(run.id);
    },
    rename: async (id, name) => {
      const run = runs.get(id);
      if (run) runs.set(id, { ...run, name });
    },
    remove: async (id) => {
      runs.delete(id);
      checkpoints.delete(id);
    },
    dropCheckpoint: async (id) => void checkpoints.delete(id),
  };
}

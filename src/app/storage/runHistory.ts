// The run history the page shows, and the wiring that fills it: opens the saved runs (IndexedDB, or memory where the
// browser refuses storage), records every run from the trainer's events, offers to resume a run a reload cut short,
// and the actions of the history panel (reopen, rename, delete, resume).
import { create } from 'zustand';
import { useExperimentStore } from '../experimentStore';
import { trainer } from '../trainerClient';
import { restoreInputs, runInputsFor } from '../runInputs';
import type { TrainerEvent } from '../../worker/protocol';
import { openIdbRunStore } from './idbRunStore';
import { RunRecorder } from './runRecorder';
import { memoryRunStore, type RunStore } from './savedRunStore';
import type { SavedRun } from './savedRun';
import { rawRecordJson, sortRecords, type DamagedRun } from './savedRunCheck';
import { checkpointShapeProblems } from '../../engine/experiment/resume';
import { storageProblem } from './storageProblem';
import { showResults } from '../services/showResults';

export interface HistoryState {
  /** Where runs are kept; null until storage has opened. */
  kind: RunStore['kind'] | null;
  /** Newest first. */
  runs: SavedRun[];
  /** A storage problem to show: runs then go on in memory. */
  message: string | null;
  /** A run an earlier page left running, to offer resuming. */
  offer: SavedRun | null;
  /** Records that did not validate: listed with their reason, to export raw or delete; they block nothing else. */
  damaged: DamagedRun[];
}

export const useHistoryStore = create<HistoryState>()(() => ({
  kind: null,
  runs: [],
  message: null,
  offer: null,
  damaged: [],
}));

let connecting: Promise<void> | null = null;
let store: RunStore = memoryRunStore();
let recorder: RunRecorder | null = null;

/**
 * The resume checkpoints of interrupted runs that do not validate (only interrupted runs keep one, so this reads few
 * records): listed beside damaged runs, before anyone presses Resume.
 */
async function damagedCheckpoints(runs: readonly SavedRun[]): Promise<DamagedRun[]> {
  const out: DamagedRun[] = [];
  for (const run of runs.filter((r) => r.status === 'running')) {
    const name = `${run.name}: its resume checkpoint`;
    try {
      const cp = await store.checkpoint(run.id);
      const problems = cp === undefined ? [] : checkpointShapeProblems(cp);
      if (problems.length)
        out.push({
          kind: 'checkpoint',
          id: run.id,
          name,
          reason: `${problems.slice(0, 3).join('; ')} (the run itself is kept, and resumes from its beginning)`,
          raw: cp,
        });
    } catch (e) {
      out.push({
        kind: 'checkpoint',
        id: run.id,
        name,
        reason: `it could not be read: ${storageProblem(e)}`,
        raw: null,
      });
    }
  }
  return out;
}

const refresh = async () => {
  try {
    const { runs, damaged } = sortRecords(await store.list());
    useHistoryStore.setState({ runs, damaged: [...damaged, ...(await damagedCheckpoints(runs))] });
  } catch (e) {
    useHistoryStore.setState({ message: `Saved runs could not be read: ${storageProblem(e)}.` });
  }
};

const onTrainerEvent = (ev: TrainerEvent) => {
  if (!recorder) return;
  if (ev.type === 'run' && ev.event.type === 'run-start') {
    const spec = ev.event.header.spec;
    recorder.started(spec, Date.now(), runInputsFor(spec).inputs);
  } else if (ev.type === 'fallback') recorder.restarting();
  else if (ev.type === 'checkpoint') recorder.checkpoint(ev.checkpoint);
  else if (ev.type === 'done') recorder.ended(ev.results);
  else if (ev.type === 'error' && ev.runId !== undefined) recorder.failed();
};

/** Opens saved runs and starts recording (once; later calls share the first). `open` is for tests. */
export function connectRunHistory(open: () => Promise<RunStore> = openIdbRunStore): Promise<void> {
  connecting ??= (async () => {
    try {
      store = await open();
    } catch (e) {
      store = memoryRunStore();
      useHistoryStore.setState({
        message: `Runs cannot be saved: ${storageProblem(e)}. Runs go on in memory and last while this page is open.`,
      });
    }
    recorder = new RunRecorder(store, { saved: refresh, failed: (message) => useHistoryStore.setState({ message }) });
    trainer.listen(onTrainerEvent);
    await refresh();
    useHistoryStore.setState((s) => ({ kind: store.kind, offer: s.runs.find((r) => r.status === 'running') ?? null }));
  })();
  return connecting;
}

/** "task 2 (compare) of strategy 2 (kif-hard)": where the run would resume. */
export function resumeLabel(run: SavedRun): string {
  const at = run.resumeAt ?? { strategy: 0, task: 0 };
  const t = run.spec.tasks[at.task]?.task;
  const task = typeof t === 'string' ? t : t ? t.dataset : '?';
  return `task ${at.task + 1} (${task}) of strategy ${at.strategy + 1} (${run.spec.strategies[at.strategy]?.name ?? '?'})`;
}

/** Restarts the offered run in the worker from its last checkpoint (from the start when it has none). */
export async function resumeOffered(): Promise<void> {
  const run = useHistoryStore.getState().offer;
  if (!run || !recorder) return;
  useHistoryStore.setState({ offer: null });
  let checkpoint;
  try {
    checkpoint = await store.checkpoint(run.id);
  } catch (e) {
    useHistoryStore.setState({
      message: `The checkpoint could not be read (${storageProblem(e)}): the run starts again from the beginning.`,
    });
  }
  const damage = checkpoint === undefined ? [] : checkpointShapeProblems(checkpoint);
  if (damage.length) {
    // Set aside, never used: the run starts over, and the damaged checkpoint is replaced at the first task boundary.
    useHistoryStore.setState({
      message: `The saved checkpoint of "${run.name}" is damaged (${damage.slice(0, 2).join('; ')}): the run starts again from the beginning.`,
    });
    checkpoint = undefined;
  }
  useExperimentStore.getState().setSpec(run.spec);
  takeInputs(run);
  recorder.willResume(run);
  trainer.start(run.spec, checkpoint);
}

/** Makes a saved run's datasets and checkpoint usable again, and says which ones it could not keep. */
function takeInputs(run: SavedRun): void {
  restoreInputs(run.inputs, run.spec.model);
  if (run.inputsLeftOut?.length) {
    useHistoryStore.setState({
      message: `"${run.name}" used ${run.inputsLeftOut.join(' and ')}, too large to save with it: import the file again before running it.`,
    });
  }
}

/** Declines the offer: the run stays in the history, marked stopped. */
export async function dismissOffer(): Promise<void> {
  const run = useHistoryStore.getState().offer;
  useHistoryStore.setState({ offer: null });
  if (run) await guarded(() => store.put({ ...run, status: 'stopped' }));
}

/** Loads a saved run's spec and (when it ended) its results into the page. */
export function reopenRun(run: SavedRun): void {
  takeInputs(run);
  useExperimentStore.getState().setSpec(run.spec);
  // Every view (heatmaps, fusion maps, curves, samples), not only the matrices and metrics.
  showResults(run.results);
}

export const renameRun = (id: string, name: string) => guarded(() => store.rename(id, name));
/** A damaged record as the JSON text of its raw content, for its export. */
export const damagedRunJson = (d: DamagedRun) => rawRecordJson(d.raw);
export const deleteRun = (id: string) => guarded(() => store.remove(id));
/** Deletes a damaged entry: the record, or only the checkpoint of a sound run. */
export const deleteDamaged = (d: DamagedRun) =>
  d.kind === 'checkpoint' ? guarded(() => store.dropCheckpoint(d.id)) : deleteRun(d.id);
export const dismissMessage = () => useHistoryStore.setState({ message: null });

async function guarded(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    useHistoryStore.setState({ message: `The run history could not be changed: ${storageProblem(e)}.` });
  }
  await refresh();
}

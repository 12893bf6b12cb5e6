// Saves the run under way as it goes: its record at the start, the record and a checkpoint at every task boundary, the
// results at the end. Writes go one after another; one that fails is reported and the run goes on in memory (what was
// saved before it stays).
import type { ResultsDocument } from '../../engine/experiment/results';
import { resumePoint, type RunCheckpoint } from '../../engine/experiment/resume';
import type { ExperimentSpec } from '../../engine/spec/experiment';
import { savableInputs, type RunInputs } from '../runInputs';
import type { RunStore } from './savedRunStore';
import { newRun, strategiesOf, type SavedRun } from './savedRun';
import { storageProblem } from './storageProblem';

export interface RecorderReport {
  /** After each successful write (the list may have changed). */
  saved(): void;
  /** A write failed: why, for the user. */
  failed(message: string): void;
}

export class RunRecorder {
  private run: SavedRun | null = null;
  private resuming: SavedRun | null = null;
  private writes: Promise<void> = Promise.resolve();
  private failedRun: string | null = null;

  constructor(
    private readonly store: RunStore,
    private readonly report: RecorderReport,
  ) {}

  /** The next run to start continues this saved one (a resume) instead of making a new record. */
  willResume(run: SavedRun): void {
    this.resuming = run;
  }

  /** The id of the run being recorded, if any. */
  get current(): string | null {
    return this.run?.id ?? null;
  }

  /** The run under way restarts itself (its backend failed): its next start continues the same record. */
  restarting(): void {
    if (this.run) this.resuming = this.run;
  }

  /** `inputs`: what the run imported; kept in the record when small enough (savableInputs). */
  started(spec: ExperimentSpec, now = Date.now(), inputs?: RunInputs): void {
    const saved =
      inputs && Object.keys(inputs.datasets).length + (inputs.base ? 1 : 0) > 0 ? savableInputs(inputs) : null;
    const fresh = saved
      ? { ...newRun(spec, now), inputs: saved.kept, ...(saved.leftOut.length ? { inputsLeftOut: saved.leftOut } : {}) }
      : newRun(spec, now);
    this.run = this.resuming ? { ...this.resuming, status: 'running', updatedAt: now } : fresh;
    this.resuming = null;
    this.write((r) => this.store.put(r));
  }

  checkpoint(cp: RunCheckpoint, now = Date.now()): void {
    if (!this.run) return;
    this.run = { ...this.run, strategies: strategiesOf(cp), resumeAt: resumePoint(cp), updatedAt: now };
    this.write((r) => this.store.saveBoundary(r, cp));
  }

  ended(results: ResultsDocument, now = Date.now()): void {
    if (!this.run) return;
    this.run = {
      ...this.run,
      status: results.stopped ? 'stopped' : 'done',
      results,
      strategies: results.strategies,
      resumeAt: null,
      updatedAt: now,
    };
    this.write((r) => this.store.finish(r));
    this.run = null;
  }

  /** The run failed (an error ended it): it stays as saved, marked stopped, with its checkpoint. */
  failed(now = Date.now()): void {
    this.resuming = null;
    if (!this.run) return;
    this.run = { ...this.run, status: 'stopped', updatedAt: now };
    this.write((r) => this.store.put(r));
    this.run = null;
  }

  /** Resolves when every write asked for so far has settled. */
  idle(): Promise<void> {
    return this.writes;
  }

  private write(f: (run: SavedRun) => Promise<void>): void {
    const run = this.run!;
    this.writes = this.writes
      .then(() => f(run))
      .then(() => this.report.saved())
      .catch((e) => {
        // One message per run: later writes of the same run are likely to fail the same way.
        if (this.failedRun === run.id) return;
        this.failedRun = run.id;
        this.report.failed(
          `This run could not be saved: ${storageProblem(e)}. It goes on in memory; runs saved before are kept.`,
        );
      });
  }
}

// "Run N seeds": the experiment for seeds s..s+N−1, one run after another. Each seed is an ordinary run (saved as it
// goes, resumable from the history); the loop skips seeds whose finished run of the same experiment is saved, keeps
// what is left in localStorage so a reload can continue it, and pauses when a run is stopped or fails.
import { create } from 'zustand';
import type { ResultsDocument } from '../engine/experiment/results';
import { parseSpec, type ExperimentSpec } from '../engine/spec/experiment';
import { useRunStore } from './runStore';
import { useHistoryStore } from './storage/runHistory';
import { trainer } from './trainerClient';
import { useTrainerStore } from './trainerStore';

const KEY = 'kif-seed-loop';

export interface SeedLoop {
  spec: ExperimentSpec;
  seeds: number[];
  /** The seed whose run the loop started last, until it ends. */
  current: number | null;
  /** Why the loop waits (a stopped or failed run), or null while it runs. */
  paused: string | null;
}

export const useSeedLoop = create<{ loop: SeedLoop | null }>()(() => ({ loop: null }));

/** Spec without its seed and name: runs of one experiment under different seeds share it. */
export const experimentKey = (spec: ExperimentSpec) => JSON.stringify({ ...spec, seed: undefined, name: undefined });

/** The finished results of `spec`'s experiment in the history, one per seed (the newest). */
export function savedSeeds(spec: ExperimentSpec): Map<number, ResultsDocument> {
  const key = experimentKey(spec);
  const out = new Map<number, ResultsDocument>();
  for (const r of [...useHistoryStore.getState().runs].sort((a, b) => a.updatedAt - b.updatedAt)) {
    if (r.status === 'done' && r.results && experimentKey(r.spec) === key) out.set(r.spec.seed, r.results);
  }
  return out;
}

function save(loop: SeedLoop | null): void {
  useSeedLoop.setState({ loop });
  try {
    if (loop) localStorage.setItem(KEY, JSON.stringify({ spec: loop.spec, seeds: loop.seeds }));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode, quota): the loop still runs, it only cannot survive a reload.
  }
}

/** Starts the next seed not yet saved as finished, or ends the loop. */
function next(loop: SeedLoop): void {
  const done = savedSeeds(loop.spec);
  const seeds = loop.seeds.filter((s) => !done.has(s));
  if (seeds.length === 0) return save(null);
  const seed = seeds[0];
  save({ ...loop, seeds, current: seed, paused: null });
  trainer.start({ ...loop.spec, seed });
}

export function runSeeds(spec: ExperimentSpec, from: number, count: number): void {
  next({ spec, seeds: Array.from({ length: count }, (_, i) => from + i), current: null, paused: null });
}

export const continueSeeds = () => {
  const loop = useSeedLoop.getState().loop;
  if (loop) next(loop);
};
export const cancelSeeds = () => save(null);

/** A loop a reload interrupted, offered to continue (paused until asked). */
export function restoreSeedLoop(): void {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return;
    const { spec, seeds } = JSON.parse(raw) as { spec: unknown; seeds: unknown };
    const parsed = parseSpec(spec);
    if (!parsed.ok || !Array.isArray(seeds) || !seeds.every((s) => Number.isInteger(s) && s >= 0))
      return localStorage.removeItem(KEY);
    useSeedLoop.setState({ loop: { spec: parsed.spec, seeds, current: null, paused: 'the page was reloaded' } });
  } catch {
    // Unreadable: nothing to continue.
  }
}

// A run of the loop ended: go on once the worker is idle and the history has saved it; a stopped or failed run pauses.
useRunStore.subscribe((s, prev) => {
  const loop = useSeedLoop.getState().loop;
  if (!loop || loop.current === null || !prev.active || s.active) return;
  // Reset (or a start the worker refused) ends the run with no outcome: the loop pauses instead of waiting forever.
  if (!s.outcome) return save({ ...loop, current: null, paused: `the run of seed ${loop.current} was reset` });
  if (s.outcome.kind !== 'finished')
    return save({ ...loop, current: null, paused: `the run of seed ${loop.current} was ${s.outcome.kind}` });
  const started = performance.now();
  const wait = () => {
    const saved = savedSeeds(loop.spec).has(loop.current!);
    if (useTrainerStore.getState().phase === 'idle' && (saved || performance.now() - started > 10_000)) {
      // Not saved after 10 s (a history that cannot store it): count the seed as done so the loop cannot repeat it.
      next({ ...loop, seeds: loop.seeds.filter((x) => x !== loop.current), current: null });
    } else setTimeout(wait, 200);
  };
  wait();
});

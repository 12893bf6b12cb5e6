// Messages between the benchmark page and its worker.
import type { BenchResult, BenchShape } from '../engine/bench/trainBench';
import type { BackendPreference } from '../engine/backend';

export interface BenchRequest {
  backend: BackendPreference;
  presets: string[];
  shape: BenchShape;
  repeats: number;
  memorySteps: number;
  /** Force the single-threaded wasm binary even on a cross-origin isolated page. */
  wasmNoThreads?: boolean;
}

export type BenchReply =
  | { type: 'backend'; name: string; reason: string }
  | { type: 'result'; result: BenchResult }
  | { type: 'error'; message: string }
  | { type: 'done' };

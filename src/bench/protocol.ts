// Messages between the benchmark page and its worker.
import type { BenchMode, BenchResult, BenchShape } from '../engine/bench/trainBench';
import type { DemoBenchResult } from '../engine/bench/demoBench';
import type { BackendPreference } from '../engine/backend';

export interface BenchRequest {
  backend: BackendPreference;
  presets: string[];
  modes: BenchMode[];
  shape: BenchShape;
  repeats: number;
  memorySteps: number;
  /** Force the single-threaded wasm binary even on a cross-origin isolated page. */
  wasmNoThreads?: boolean;
  /** A built-in demo to run end to end after the presets (its pretrained base fetched when the app ships one). */
  demo?: string;
  /** Lanes for the demo (1: none); undefined: one per core where they fit (lanes.ts). */
  lanes?: number;
}

export type BenchReply =
  | { type: 'backend'; name: string; reason: string; threads?: number }
  | { type: 'result'; result: BenchResult }
  | { type: 'demo'; result: DemoBenchResult }
  | { type: 'error'; message: string }
  | { type: 'done' };

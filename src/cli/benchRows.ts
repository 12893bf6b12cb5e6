// One row of the bench tables: what a browser run measured, with the page's frame times and PyTorch's reference.
// Its own file so the table (benchTable.ts) and the browser runner (browserBench.ts) do not import each other.
import type { BenchResult } from '../engine/bench/trainBench';
import type { DemoBenchResult } from '../engine/bench/demoBench';
import type { TorchResult } from './torchRef';

export type BenchRow = BenchResult & { frameP95Ms?: number; note?: string; torch?: TorchResult };
export type DemoRow = DemoBenchResult & { label: string; threads?: number; frameP95Ms?: number };

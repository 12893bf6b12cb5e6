// The PyTorch peer of the Node benchmark: runs scripts/torch_ref.py (a T5 of the same shapes, same step) with a Python
// that has torch, and reads its one JSON line. Absent PyTorch is said once, never an error.
import { spawnSync } from 'node:child_process';
import type { T5Config } from '../engine/model/config';
import type { BenchMode, BenchShape } from '../engine/bench/trainBench';

export interface TorchResult {
  torch: string;
  blas: string;
  stepMsByThreads: Record<string, number>;
  bestThreads: number;
  stepMs: number;
  /** OpenBLAS's own thread pool, which torch's thread count does not set (null: another BLAS). */
  blasThreads: number | null;
  stepCpuMsByThreads: Record<string, number>;
  phasesMs: { forward: number; backward: number; optimizer: number };
}

/** The first Python that imports torch (pyenv shims often hide Debian's python3-torch), or undefined. */
export function findTorchPython(): string | undefined {
  for (const py of [process.env.TORCH_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[]) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

export function runTorchRef(
  python: string,
  c: T5Config,
  shape: BenchShape,
  mode: BenchMode,
  repeats: number,
  warmup: number,
): TorchResult {
  const args = [
    'scripts/torch_ref.py',
    '--config',
    JSON.stringify(c),
    '--batch',
    String(shape.batch),
    '--in-len',
    String(shape.inLen),
    '--out-len',
    String(shape.outLen),
    '--mode',
    mode,
    '--repeats',
    String(repeats),
    '--warmup',
    String(warmup),
    '--threads',
    '1,2',
  ];
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0)
    throw new Error(`torch_ref.py failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchResult;
}

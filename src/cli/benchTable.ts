// Renders benchmark results as a fixed-width text table, and the end-to-end demo timing as one line.
import type { BenchRow, DemoRow } from './benchRows';

export const threadsText = (n: number) => `${n} wasm thread${n > 1 ? 's' : ''}`;
const num = (x: number | null | undefined) => (x === undefined || x === null || Number.isNaN(x) ? '-' : String(x));
const mb = (bytes: number | undefined) => (bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(2));

/** The engine's best round against PyTorch's best round (both at their best setting), as the issue's ratio. */
export function torchRatio(r: BenchRow): number | undefined {
  if (!r.torch) return undefined;
  const ours = Math.min(...(r.stepMsByRound?.length ? r.stepMsByRound : [r.stepMs.median]));
  return Math.round((ours / r.torch.stepMs) * 100) / 100;
}

/**
 * The same ratio in CPU time at one thread on both sides (the engine's Node wasm runs one): other jobs on a loaded
 * machine inflate wall time but not the CPU time a process itself spends.
 */
export function torchCpuRatio(r: BenchRow): number | undefined {
  const theirs = r.torch?.stepCpuMsByThreads?.['1'];
  if (!theirs || r.stepCpuMs === undefined) return undefined;
  return Math.round((r.stepCpuMs / theirs) * 100) / 100;
}

/** LoRA step over full step of the same preset and backend, where both rows are there. */
function loraOverFull(r: BenchRow, rows: BenchRow[]): string {
  if (r.mode !== 'lora') return '-';
  const full = rows.find((f) => f.mode === 'full' && f.preset === r.preset && f.backend === r.backend);
  return full ? (r.stepMs.median / full.stepMs.median).toFixed(2) : '-';
}

export function formatBenchTable(rows: BenchRow[]): string {
  const head = [
    'backend',
    'preset',
    'mode',
    'params',
    'ms/step (p10-p90)',
    'cpu ms/step',
    'fwd/bwd/opt/imp ms',
    'tok/s',
    'torch ms',
    'x torch',
    'torch cpu ms',
    'x torch cpu',
    'lora/full',
    'kernels',
    'reads/step (sync)',
    'GFLOP/s',
    'KIF x',
    'dec tok/s cache',
    'no cache',
    'fuse ms/M',
    'tensors@10/@N',
    'bytes@10/@N',
    'peak step MiB',
    'peak host MiB',
    'peak GPU MiB',
    'frame p95 ms',
    'note',
  ];
  const body = rows.map((r) => [
    r.backend,
    r.preset,
    r.mode ?? 'full',
    r.mode === 'lora' ? `${r.trainableParams}/${r.params}` : String(r.params),
    `${r.stepMs.median} (${r.stepMs.p10}-${r.stepMs.p90})`,
    r.stepCpuMs === undefined ? '-' : String(r.stepCpuMs),
    r.phasesMs ? `${r.phasesMs.forward}/${r.phasesMs.backward}/${r.phasesMs.optimizer}/${r.phasesMs.importance}` : '-',
    r.tokensPerSec === undefined ? '-' : String(Math.round(r.tokensPerSec)),
    r.torch ? String(r.torch.stepMs) : '-',
    r.torch ? String(torchRatio(r)) : '-',
    r.torch?.stepCpuMsByThreads?.['1'] === undefined ? '-' : String(r.torch.stepCpuMsByThreads['1']),
    torchCpuRatio(r) === undefined ? '-' : String(torchCpuRatio(r)),
    loraOverFull(r, rows),
    String(r.kernelsPerStep),
    r.readbacksPerStep === undefined ? '-' : `${r.readbacksPerStep} (${r.syncReadbacksPerStep})`,
    String(r.gflops),
    String(r.importanceRatio),
    num(r.decodeTokensPerSecCached),
    num(r.decodeTokensPerSecUncached),
    num(r.fusionMsPerMillionParams),
    r.memory ? `${r.memory.tensorsA}/${r.memory.tensorsB} (N=${r.memory.stepsB})` : '-',
    r.memory ? `${r.memory.bytesA}/${r.memory.bytesB}` : '-',
    mb(r.peakStepBytes),
    mb(r.peakHostBytes),
    mb(r.peakGpuBytes),
    r.frameP95Ms === undefined ? '-' : String(r.frameP95Ms),
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function formatDemoLine(d: DemoRow): string {
  const threads = d.threads ? `, ${threadsText(d.threads)}` : '';
  const frames = d.frameP95Ms === undefined ? '' : `, page frame p95 ${d.frameP95Ms} ms`;
  return (
    `demo ${d.demo} end to end (${d.label}${threads}, ${d.lanes === 1 ? 'one lane' : `${d.lanes} lanes`}, init ${d.init}): ${d.wallSeconds} s wall (target ≤ 40 s), ` +
    `${d.strategies} strategies × ${d.tasks} tasks, ${d.steps} steps, mean final score ${d.meanFinalScore}%${frames}` +
    (d.warnings.length ? `\n  warnings: ${d.warnings.join(' | ')}` : '')
  );
}

// Renders benchmark results as a fixed-width text table, and the end-to-end demo timing as one line.
import type { BenchRow, DemoRow } from './browserBench';

export const threadsText = (n: number) => `${n} wasm thread${n > 1 ? 's' : ''}`;
const mb = (bytes: number | undefined) => (bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(2));

export function formatBenchTable(rows: BenchRow[]): string {
  const head = ['backend', 'preset', 'params', 'ms/step (p10-p90)', 'cpu ms/step', 'kernels', 'GFLOP/s', 'KIF x', 'dec tok/s cache', 'no cache', 'fuse ms/M', 'tensors@10/@N', 'bytes@10/@N', 'peak step MiB', 'peak GPU MiB', 'frame p95 ms', 'note'];
  const body = rows.map((r) => [
    r.backend,
    r.preset,
    String(r.params),
    `${r.stepMs.median} (${r.stepMs.p10}-${r.stepMs.p90})`,
    r.stepCpuMs === undefined ? '-' : String(r.stepCpuMs),
    String(r.kernelsPerStep),
    String(r.gflops),
    String(r.importanceRatio),
    String(r.decodeTokensPerSecCached),
    String(r.decodeTokensPerSecUncached),
    String(r.fusionMsPerMillionParams),
    r.memory ? `${r.memory.tensorsA}/${r.memory.tensorsB} (N=${r.memory.stepsB})` : '-',
    r.memory ? `${r.memory.bytesA}/${r.memory.bytesB}` : '-',
    mb(r.peakStepBytes),
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
    `demo ${d.demo} end to end (${d.label}${threads}, init ${d.init}): ${d.wallSeconds} s wall (target ≤ 60 s), ` +
    `${d.strategies} strategies × ${d.tasks} tasks, ${d.steps} steps, mean final score ${d.meanFinalScore}%${frames}` +
    (d.warnings.length ? `\n  warnings: ${d.warnings.join(' | ')}` : '')
  );
}

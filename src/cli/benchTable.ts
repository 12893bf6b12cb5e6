// Renders benchmark results as a fixed-width text table.
import type { BenchResult } from '../engine/bench/trainBench';

export function formatBenchTable(rows: (BenchResult & { frameP95Ms?: number })[]): string {
  const head = ['backend', 'preset', 'params', 'ms/step (p10-p90)', 'kernels', 'GFLOP/s', 'KIF x', 'dec tok/s cache', 'no cache', 'fuse ms/M', 'tensors@10/@N', 'bytes@10/@N', 'frame p95 ms'];
  const body = rows.map((r) => [
    r.backend,
    r.preset,
    String(r.params),
    `${r.stepMs.median} (${r.stepMs.p10}-${r.stepMs.p90})`,
    String(r.kernelsPerStep),
    String(r.gflops),
    String(r.importanceRatio),
    String(r.decodeTokensPerSecCached),
    String(r.decodeTokensPerSecUncached),
    String(r.fusionMsPerMillionParams),
    r.memory ? `${r.memory.tensorsA}/${r.memory.tensorsB} (N=${r.memory.stepsB})` : '-',
    r.memory ? `${r.memory.bytesA}/${r.memory.bytesB}` : '-',
    r.frameP95Ms === undefined ? '-' : String(r.frameP95Ms),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

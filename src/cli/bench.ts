// `npm run bench`: engine benchmarks in Node (wasm, cpu) and, when Chromium is present, in the browser through
// Playwright (webgpu, webgl, wasm with and without threads). Prints one table and writes bench-results/bench.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs, intFlag, stringFlag } from './args';
import { startBackend } from './nodeBackend';
import { benchPreset, type BenchResult } from '../engine/bench/trainBench';
import { runBrowserBench } from './browserBench';
import { formatBenchTable } from './benchTable';

const args = parseArgs(process.argv.slice(2));
const shape = { batch: intFlag(args, 'batch', 16, 1, 1024), inLen: intFlag(args, 'in-len', 16, 1, 512), outLen: intFlag(args, 'out-len', 16, 1, 512) };
const repeats = intFlag(args, 'repeats', 20, 3, 1000);
const memorySteps = intFlag(args, 'memory-steps', 500, 0, 100_000);
// Which presets each Node backend can run in reasonable time on a 2-core CPU.
const presetList = (flag: string, fallback: string) => stringFlag(args, flag, fallback).split(',').filter((p) => p && p !== 'none');
const nodePlan: Record<string, string[]> = {
  wasm: presetList('wasm-presets', 'bench-ref,nano,micro'),
  cpu: presetList('cpu-presets', 'bench-ref'),
};

async function main() {
  const results: BenchResult[] = [];
  const only = stringFlag(args, 'only', 'node,browser').split(',');
  if (only.includes('node')) {
    for (const [backend, presets] of Object.entries(nodePlan)) {
      if (presets.length === 0) continue;
      await startBackend(backend);
      for (const preset of presets) {
        const slow = backend === 'cpu';
        const r = await benchPreset({ preset, shape, warmup: 3, repeats: slow ? 5 : repeats, memorySteps: slow ? Math.min(memorySteps, 100) : memorySteps });
        results.push({ ...r, backend: `node-${backend}` });
        console.error(`done: node ${backend} ${preset}: ${r.stepMs.median} ms/step`);
      }
    }
  }
  if (only.includes('browser')) results.push(...(await runBrowserBench({ shape, repeats, memorySteps })));
  mkdirSync('bench-results', { recursive: true });
  const doc = { date: new Date().toISOString(), machine: machineNote(), shape, results };
  writeFileSync('bench-results/bench.json', JSON.stringify(doc, null, 2));
  console.log(formatBenchTable(results));
  console.log('\nwritten: bench-results/bench.json');
}

function machineNote() {
  return `${process.platform} ${process.arch}, node ${process.version}`;
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});

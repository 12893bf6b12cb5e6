// `npm run bench`: engine benchmarks in Node (wasm, cpu) and, when Chromium is present, in the browser through
// Playwright (webgpu, webgl, wasm with and without threads). Prints one table and writes bench-results/bench.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs, intFlag, stringFlag } from './args';
import { startBackend } from './nodeBackend';
import { benchPreset } from '../engine/bench/trainBench';
import { runBrowserBench, type BenchRow, type DemoRow } from './browserBench';
import { formatBenchTable, formatDemoLine } from './benchTable';

const args = parseArgs(process.argv.slice(2));
const shape = { batch: intFlag(args, 'batch', 16, 1, 1024), inLen: intFlag(args, 'in-len', 16, 1, 512), outLen: intFlag(args, 'out-len', 16, 1, 512) };
const repeats = intFlag(args, 'repeats', 40, 3, 1000);
const memorySteps = intFlag(args, 'memory-steps', 500, 0, 100_000);
// The end-to-end target, timed in the browser (wasm, in the bench page's worker); --demo none skips it.
const demo = stringFlag(args, 'demo', 'forgetting');
// Which presets each Node backend can run in reasonable time on a 2-core CPU.
const presetList = (flag: string, fallback: string) => stringFlag(args, flag, fallback).split(',').filter((p) => p && p !== 'none');
const nodePlan: Record<string, string[]> = {
  wasm: presetList('wasm-presets', 'bench-ref,nano,micro'),
  cpu: presetList('cpu-presets', 'bench-ref'),
};

async function main() {
  const results: BenchRow[] = [];
  let demoRow: DemoRow | undefined;
  const only = stringFlag(args, 'only', 'node,browser').split(',');
  if (only.includes('node')) {
    for (const [backend, presets] of Object.entries(nodePlan)) {
      if (presets.length === 0) continue;
      await startBackend(backend);
      for (const preset of presets) {
        const slow = backend === 'cpu';
        const steps = slow ? Math.min(memorySteps, 100) : memorySteps;
        const r = await benchPreset({ preset, shape, warmup: 3, repeats: slow ? 5 : repeats, memorySteps: steps, cpuClock });
        results.push({ ...r, backend: `node-${backend}`, note: steps < memorySteps ? `memory over ${steps} steps` : undefined });
        console.error(`done: node ${backend} ${preset}: ${r.stepMs.median} ms/step`);
      }
    }
  }
  if (only.includes('browser')) {
    const browser = await runBrowserBench({ shape, repeats, memorySteps, demo: demo === 'none' ? undefined : demo });
    results.push(...browser.rows);
    demoRow = browser.demo;
  }
  mkdirSync('bench-results', { recursive: true });
  const doc = { date: new Date().toISOString(), machine: machineNote(), shape, results, demo: demoRow };
  writeFileSync('bench-results/bench.json', JSON.stringify(doc, null, 2));
  console.log(formatBenchTable(results));
  if (demoRow) console.log(`\n${formatDemoLine(demoRow)}`);
  console.log('\nwritten: bench-results/bench.json');
}

/** This process's CPU time in ms (user + system): tfjs runs wasm and cpu single-threaded in Node. */
function cpuClock() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function machineNote() {
  return `${process.platform} ${process.arch}, node ${process.version}`;
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});

// `npm run bench`: engine benchmarks in Node (wasm, cpu) and, when Chromium is present, in the browser through
// Playwright (webgpu, webgl, wasm with and without threads); with --torch, the PyTorch peer of every Node wasm row in
// the same run. Prints one table and writes bench-results/bench.json. `npm run bench -- --help` lists the flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs, intFlag, stringFlag, UsageError } from './args';
import { startBackend } from './nodeBackend';
import { benchModes, benchPreset, type BenchMode } from '../engine/bench/trainBench';
import { presetConfig, presets } from '../engine/model/config';
import { numParams } from '../engine/model/paramSpec';
import { browserBackends, runBrowserBench, type BenchRow, type DemoRow } from './browserBench';
import { formatBenchTable, formatDemoLine } from './benchTable';
import { findTorchPython, runTorchRef, type TorchResult } from './torchRef';

const nodeBackends = ['wasm', 'cpu'];
const defaultWasmPresets = 'bench-ref,nano,micro,t5-efficient-tiny,t5-efficient-mini,t5-small';
/** Presets above this many parameters get fewer repeats and memory steps (a t5-small step takes seconds on 2 cores). */
const bigModel = 5_000_000;

const help = `usage: npm run bench -- [flags]

Trains T5 presets with random weights on random tokens and prints one table (step time, per-phase time, tokens/s,
kernels, GFLOP/s, KIF importance overhead, decode speed, memory) and writes bench-results/bench.json.

  --only LIST          node,browser (default both; browser needs \`npm run build\` and /usr/bin/chromium)
  --backends LIST      which backends run: ${nodeBackends.map((b) => `node ${b}`).join(', ')}; browser ${browserBackends.join(', ')} (default all)
  --presets LIST       presets for every backend, overriding the defaults below (known: ${Object.keys(presets).join(', ')})
  --wasm-presets LIST  Node wasm presets (default ${defaultWasmPresets})
  --cpu-presets LIST   Node cpu presets (default bench-ref)
  --modes LIST         full (every parameter trains), lora (frozen base, rank-8 adapters on q, v) (default full,lora)
  --torch              also time the same step in PyTorch (scripts/torch_ref.py, best of 1 and 2 threads), alternating
                       with the engine in two rounds, and print the ratio column (Node wasm rows)
  --torch-repeats N    timed PyTorch steps per round (default 10; 3, after 1 warm-up, above ${bigModel / 1e6}M parameters)
  --batch N            batch size (default 16)
  --in-len N           input tokens (default 16)
  --out-len N          output tokens (default 16)
  --repeats N          timed step pairs per preset (default 40; 8 above ${bigModel / 1e6}M parameters)
  --memory-steps N     steps for the memory check (default 500; 20 above ${bigModel / 1e6}M parameters)
  --warmup N           untimed step triples before timing (default 3; 1 above ${bigModel / 1e6}M parameters)
  --extras             decode and fusion timings above ${bigModel / 1e6}M parameters too (skipped there by default)
  --demo NAME|none     a demo timed end to end in Chromium's wasm worker (default forgetting; its results document: bench-results/demo-results.json)
  --lanes N            the demo's lanes: strategies trained side by side in that many workers (1: off; default one per core)
  --port N             the browser half's preview server port (default 4179)
  --help               this text`;

const args = parseArgs(process.argv.slice(2));
const list = (flag: string, fallback: string) =>
  stringFlag(args, flag, fallback)
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p && p !== 'none');

function checkedList(flag: string, fallback: string, known: readonly string[]): string[] {
  const xs = list(flag, fallback);
  const bad = xs.filter((x) => !known.includes(x));
  if (bad.length) throw new UsageError(`--${flag}: unknown ${bad.join(', ')}; known: ${known.join(', ')}`);
  return xs;
}

async function main() {
  if (args.flags.has('help')) return void console.log(help);
  const shape = {
    batch: intFlag(args, 'batch', 16, 1, 1024),
    inLen: intFlag(args, 'in-len', 16, 1, 512),
    outLen: intFlag(args, 'out-len', 16, 1, 512),
  };
  const repeats = intFlag(args, 'repeats', 40, 3, 1000);
  const repeatsGiven = args.flags.has('repeats');
  const memorySteps = intFlag(args, 'memory-steps', 500, 0, 100_000);
  const memoryGiven = args.flags.has('memory-steps');
  // The issue's end-to-end target, timed in the browser (wasm, in the bench page's worker); --demo none skips it.
  const demo = stringFlag(args, 'demo', 'forgetting');
  const only = checkedList('only', 'node,browser', ['node', 'browser']);
  const modes = checkedList('modes', benchModes.join(','), benchModes) as BenchMode[];
  const known = Object.keys(presets);
  const override = args.flags.has('presets') ? checkedList('presets', '', known) : undefined;
  const backends = checkedList(
    'backends',
    [...nodeBackends, ...browserBackends].filter((b, i, a) => a.indexOf(b) === i).join(','),
    [...new Set([...nodeBackends, ...browserBackends])],
  );
  const nodePlan: Record<string, string[]> = {
    wasm: override ?? checkedList('wasm-presets', defaultWasmPresets, known),
    cpu: override ?? checkedList('cpu-presets', 'bench-ref', known),
  };
  const torchPython = args.flags.has('torch') ? findTorchPython() : undefined;
  if (args.flags.has('torch') && !torchPython)
    console.error(
      '--torch: no python3 here imports torch (apt-get install python3-torch libopenblas0-pthread); the ratio column stays empty',
    );

  const results: BenchRow[] = [];
  let demoRow: DemoRow | undefined;
  if (only.includes('node')) {
    for (const [backend, names] of Object.entries(nodePlan)) {
      if (names.length === 0 || !backends.includes(backend)) continue;
      await startBackend(backend);
      for (const preset of names) {
        for (const mode of modes) {
          const big = numParams(presetConfig(preset)) > bigModel;
          const slow = backend === 'cpu';
          const steps = slow
            ? Math.min(memorySteps, 100)
            : big && !memoryGiven
              ? Math.min(memorySteps, 20)
              : memorySteps;
          const reps = slow ? 5 : big && !repeatsGiven ? Math.min(repeats, 8) : repeats;
          const warmup = intFlag(args, 'warmup', big ? 1 : 3, 0, 100);
          const skipExtras = big && !args.flags.has('extras');
          const peer =
            torchPython && backend === 'wasm' ? torchRounds(torchPython, preset, shape, mode, big) : undefined;
          const r = await benchPreset({
            preset,
            mode,
            shape,
            warmup,
            skipExtras,
            repeats: reps,
            memorySteps: steps,
            cpuClock,
            hostBytes,
            rounds: peer ? 2 : 1,
            betweenRounds: peer?.round,
          });
          const torch = peer?.best();
          const note = [
            steps < memorySteps ? `memory over ${steps} steps` : '',
            reps < repeats ? `${reps} repeats` : '',
            skipExtras ? 'no decode/fusion timing' : '',
            torch
              ? `torch ${torch.torch} ${torch.blas}, ${torch.bestThreads} thread${torch.bestThreads > 1 ? 's' : ''}` +
                (torch.blasThreads
                  ? ` (OpenBLAS: ${torch.blasThreads} thread${torch.blasThreads > 1 ? 's' : ''} of its own)`
                  : '')
              : '',
          ];
          results.push({ ...r, backend: `node-${backend}`, torch, note: note.filter(Boolean).join('; ') || undefined });
          console.error(
            `done: node ${backend} ${preset} ${mode}: ${r.stepMs.median} ms/step${torch ? `, torch ${torch.stepMs} ms` : ''}`,
          );
        }
      }
    }
  }
  if (only.includes('browser')) {
    const browser = await runBrowserBench({
      shape,
      port: intFlag(args, 'port', 4179, 1024, 65535),
      repeats,
      repeatsGiven,
      memorySteps,
      modes,
      presets: override,
      backends: backends.filter((b) => browserBackends.includes(b)),
      demo: demo === 'none' ? undefined : demo,
      lanes: args.flags.has('lanes') ? intFlag(args, 'lanes', 1, 1, 64) : undefined,
    });
    results.push(...browser.rows);
    demoRow = browser.demo;
  }
  mkdirSync('bench-results', { recursive: true });
  const { document: demoDoc, ...demoFigures } = demoRow ?? {};
  const doc = { date: new Date().toISOString(), machine: machineNote(), shape, results, demo: demoRow && demoFigures };
  writeFileSync('bench-results/bench.json', JSON.stringify(doc, null, 2));
  if (demoDoc) writeFileSync('bench-results/demo-results.json', JSON.stringify(demoDoc));
  console.log(`${machineNote()}\n`);
  console.log(formatBenchTable(results));
  if (demoRow) console.log(`\n${formatDemoLine(demoRow)}`);
  console.log(
    `\nwritten: bench-results/bench.json${demoDoc ? ", bench-results/demo-results.json (the demo's results)" : ''}`,
  );
}

/**
 * PyTorch rounds that alternate with the engine's: the engine times round 1, PyTorch runs, the engine times round 2,
 * PyTorch runs again. Each side keeps its best round's median.
 */
function torchRounds(
  python: string,
  preset: string,
  shape: { batch: number; inLen: number; outLen: number },
  mode: BenchMode,
  big: boolean,
) {
  const runs: TorchResult[] = [];
  const reps = intFlag(args, 'torch-repeats', big ? 3 : 10, 2, 1000);
  return {
    round: async () => void runs.push(runTorchRef(python, presetConfig(preset), shape, mode, reps, big ? 1 : 3)),
    best: () => runs.reduce<TorchResult | undefined>((a, b) => (a && a.stepMs <= b.stepMs ? a : b), undefined),
  };
}

/** This process's CPU time in ms (user + system): tfjs runs wasm and cpu single-threaded in Node. */
function cpuClock() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const hostBytes = () => process.memoryUsage().rss;

function machineNote() {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  return `${process.platform} ${process.arch}, ${cpus().length} logical cores (${cpus()[0]?.model ?? '?'}), load average ${load}, node ${process.version}`;
}

main().catch((e) => {
  if (e instanceof UsageError) {
    console.error(`${e.message}\n\n${help}`);
    process.exit(2);
  }
  console.error(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});

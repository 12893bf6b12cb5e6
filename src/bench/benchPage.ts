// The benchmark page: starts the worker with the URL's settings, records requestAnimationFrame intervals while it
// runs, and leaves everything on window.__bench for the Playwright driver (src/cli/browserBench.ts).
import type { BenchResult } from '../engine/bench/trainBench';
import type { DemoBenchResult } from '../engine/bench/demoBench';
import { quantile } from '../engine/bench/stats';
import type { BenchReply, BenchRequest } from './protocol';

interface PageBench {
  done: boolean;
  error?: string;
  backend?: string;
  reason?: string;
  threads?: number;
  results: BenchResult[];
  demo?: DemoBenchResult;
  frameP95Ms?: number;
}

const q = new URLSearchParams(location.search);
const num = (k: string, d: number) => (q.has(k) ? Number(q.get(k)) : d);
const request: BenchRequest = {
  backend: (q.get('backend') ?? 'auto') as BenchRequest['backend'],
  presets: (q.get('presets') ?? 'bench-ref').split(',').filter(Boolean),
  modes: (q.get('modes') ?? 'full').split(',').filter(Boolean) as BenchRequest['modes'],
  shape: { batch: num('batch', 16), inLen: num('inLen', 16), outLen: num('outLen', 16) },
  repeats: num('repeats', 40),
  memorySteps: num('memorySteps', 500),
  wasmNoThreads: q.get('threads') === 'off',
  demo: q.get('demo') ?? undefined,
  lanes: q.has('lanes') ? num('lanes', 1) : undefined,
};
const state: PageBench = { done: false, results: [] };
(window as unknown as { __bench: PageBench }).__bench = state;
const out = document.getElementById('out') as HTMLElement;
const show = () => (out.textContent = JSON.stringify(state, null, 2));

const frames: number[] = [];
let last = performance.now();
const tick = (t: number) => {
  frames.push(t - last);
  last = t;
  if (!state.done) requestAnimationFrame(tick);
};
requestAnimationFrame(tick);

const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<BenchReply>) => {
  const m = e.data;
  if (m.type === 'backend') [state.backend, state.reason, state.threads] = [m.name, m.reason, m.threads];
  else if (m.type === 'result') state.results.push(m.result);
  else if (m.type === 'demo') state.demo = m.result;
  else {
    if (m.type === 'error') state.error = m.message;
    state.frameP95Ms = frames.length > 10 ? Math.round(quantile(frames.slice(5), 0.95) * 10) / 10 : undefined;
    state.done = true;
  }
  show();
};
worker.postMessage(request);

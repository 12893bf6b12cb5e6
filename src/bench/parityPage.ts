// The parity page: asks its worker to run src/engine/bench/parity.ts on the cpu backend and on each backend named in
// the URL, and leaves the comparison on window.__parity for the browser tests (e2e/parity.spec.ts).
import type { ParityReport } from '../engine/bench/parity';

interface PageParity {
  done: boolean;
  reports: ParityReport[];
  errors: string[];
}

const state: PageParity = { done: false, reports: [], errors: [] };
(window as unknown as { __parity: PageParity }).__parity = state;
const out = document.getElementById('out') as HTMLElement;
const backends = (new URLSearchParams(location.search).get('backends') ?? 'wasm').split(',');

const worker = new Worker(new URL('./parity.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<{ reports: ParityReport[]; errors: string[] }>) => {
  Object.assign(state, e.data, { done: true });
  out.textContent = JSON.stringify(state, null, 2);
};
worker.onerror = (e) => {
  Object.assign(state, { done: true, errors: [`the worker failed: ${e.message}`] });
  out.textContent = JSON.stringify(state, null, 2);
};
worker.postMessage(backends);

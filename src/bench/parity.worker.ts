// Runs the parity comparison in a worker: the worker bundle keeps function source intact, which tfjs' threaded wasm
// backend needs to start its threads (the page's minified bundle would break them).
import { chooseBackend, type BackendName } from '../engine/backend';
import { compareParity, parityFigures, type ParityReport } from '../engine/bench/parity';
import { wasmPaths } from '../worker/wasmAssets';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (e: MessageEvent<BackendName[]>) => {
  const reports: ParityReport[] = [];
  const errors: string[] = [];
  try {
    await chooseBackend('cpu');
    const ref = await parityFigures();
    for (const b of e.data) {
      try {
        const choice = await chooseBackend(b, { wasmPaths });
        if (choice.name !== b) throw new Error(`${b} did not start: ${choice.fallbacks.join('; ')}`);
        reports.push(compareParity(b, await parityFigures(), ref));
      } catch (err) {
        errors.push(`${b}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } catch (err) {
    errors.push(err instanceof Error ? err.message : String(err));
  }
  scope.postMessage({ reports, errors });
};

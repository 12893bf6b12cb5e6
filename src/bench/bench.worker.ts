// Runs the engine benchmark off the page's thread, so the page can measure its own frame intervals meanwhile.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../engine/backend';
import { benchPreset } from '../engine/bench/trainBench';
import { benchDemo } from '../engine/bench/demoBench';
import { getDemo } from '../engine/experiment/demos';
import { loadBaseWeights } from '../worker/baseWeights';
import { browserLanes, wasmThreads } from '../worker/browserLanes';
import { wasmPaths } from '../worker/wasmAssets';
import type { BenchReply, BenchRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: BenchReply) => scope.postMessage(m);

scope.onmessage = async (e: MessageEvent<BenchRequest>) => {
  const req = e.data;
  try {
    if (req.wasmNoThreads) {
      await import('@tensorflow/tfjs-backend-wasm'); // registers the flag
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    const choice = await chooseBackend(req.backend, { wasmPaths });
    if (req.backend !== 'auto' && choice.name !== req.backend)
      throw new Error(`${req.backend} did not start: ${choice.fallbacks.join('; ')}`);
    post({ type: 'backend', name: choice.name, reason: choice.reason, threads: await wasmThreads() });
    for (const preset of req.presets) {
      for (const mode of req.modes) {
        const result = await benchPreset({
          preset,
          mode,
          shape: req.shape,
          warmup: 3,
          repeats: req.repeats,
          memorySteps: req.memorySteps,
        });
        post({ type: 'result', result });
      }
    }
    if (req.demo) {
      // The base is fetched before the clock starts, as the app has it cached after the first run.
      const base = await loadBaseWeights({ ...getDemo(req.demo).spec({ seed: 0 }), init: 'pretrained' });
      const lanes = await browserLanes(req.lanes);
      post({ type: 'demo', result: await benchDemo(req.demo, 0, base?.weights, lanes) });
    }
    post({ type: 'done' });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};

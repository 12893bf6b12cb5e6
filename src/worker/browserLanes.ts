// Lanes in the browser: each lane a nested worker with its own tfjs backend. They help where the wasm backend runs one
// thread (tfjs gives its pool half the logical cores: one on two cores) and there are cores to spare.
import * as tf from '@tensorflow/tfjs';
import type { FromLane, LaneHost, LaneWorker } from '../engine/experiment/laneProtocol';

function openLane(): LaneWorker {
  const worker = new Worker(new URL('./lane.worker.ts', import.meta.url), { type: 'module' });
  return {
    post: (m) => worker.postMessage(m),
    onMessage: (handler) => worker.addEventListener('message', (e: MessageEvent<FromLane>) => handler(e.data)),
    onFailure: (handler) => {
      worker.addEventListener('error', (e) => handler(e.message || 'the lane worker failed to load'));
      worker.addEventListener('messageerror', () => handler('a message from the lane could not be read'));
    },
    close: () => worker.terminate(),
  };
}

/** The wasm backend's thread count (1 on the single-threaded binary); undefined on other backends. */
export async function wasmThreads(): Promise<number | undefined> {
  if (tf.getBackend() !== 'wasm') return undefined;
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  return getThreadsCount();
}

/**
 * `requested` lanes (undefined: one per logical core), for the backend already started; none where one would be, or
 * where the wasm backend already runs threads of its own.
 */
export async function browserLanes(requested?: number): Promise<LaneHost | undefined> {
  const count = requested ?? navigator.hardwareConcurrency ?? 1;
  if (count < 2 || ((await wasmThreads()) ?? 1) > 1) return undefined;
  return { count, open: openLane };
}

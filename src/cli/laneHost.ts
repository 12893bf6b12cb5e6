// Lanes for the Node hosts (CLI, benchmarks): each lane a worker thread with its own tfjs backend. The CLI runs
// TypeScript under tsx, whose loader a worker does not inherit, so the worker first registers it, then imports the lane.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromLane, LaneHost, LaneWorker } from '../engine/experiment/laneProtocol';

const tsxApi = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
).href;
const laneModule = new URL('./laneWorker.ts', import.meta.url).href;
const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(laneModule)}); })`;

function openLane(): LaneWorker {
  const worker = new Worker(boot, { eval: true });
  let closed = false;
  return {
    post: (m) => worker.postMessage(m),
    onMessage: (handler) => worker.on('message', (m: FromLane) => handler(m)),
    onFailure: (handler) => {
      worker.on('error', (e) => handler(e.message));
      worker.on('exit', (code) => closed || handler(`exit code ${code}`));
    },
    close: () => {
      closed = true;
      void worker.terminate();
    },
  };
}

/**
 * `requested` lanes (undefined: one per core); 1 or fewer is none. The wasm backend in Node runs one thread per lane
 * (tfjs-wasm's threaded build is not used in Node), so lanes are what puts the other cores to work.
 */
export function nodeLanes(requested?: number): LaneHost | undefined {
  const count = requested ?? availableParallelism();
  return count >= 2 ? { count, open: openLane } : undefined;
}

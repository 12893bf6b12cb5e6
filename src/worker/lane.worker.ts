// A lane's thread in the browser (browserLanes.ts), a worker the run's worker starts: the backend it is told (the
// single-threaded wasm binary where one thread would run anyway), then its share of the run's strategies.
import { chooseBackend, type BackendPreference } from '../engine/backend';
import { serveLane } from '../engine/experiment/laneServe';
import type { FromLane, ToLane } from '../engine/experiment/laneProtocol';
import { wasmPaths } from './wasmAssets';

const scope = self as unknown as DedicatedWorkerGlobalScope;
serveLane(
  {
    post: (m: FromLane, transfer?: ArrayBuffer[]) => scope.postMessage(m, transfer ?? []),
    onMessage: (handler) => scope.addEventListener('message', (e: MessageEvent<ToLane>) => handler(e.data)),
  },
  async (name) => void (await chooseBackend(name as BackendPreference, { wasmPaths })),
);

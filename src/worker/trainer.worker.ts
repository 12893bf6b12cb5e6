// The training worker: hosts the engine off the page's thread. It only routes: commands go to the session
// (session.ts), which owns the run and posts typed events back.
import type { TrainerCommand, TrainerEvent } from './protocol';
import { browserLanes } from './browserLanes';
import { TrainerSession } from './session';
import { wasmPaths } from './wasmAssets';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TrainerSession({
  post: (event: TrainerEvent) => scope.postMessage(event),
  wasmPaths,
  lanes: () => browserLanes(),
});

scope.onmessage = (e: MessageEvent<TrainerCommand>) => void session.handle(e.data);
// Anything that escapes the handlers still reaches the page as a message.
scope.addEventListener('unhandledrejection', (e) => session.fail(e.reason));

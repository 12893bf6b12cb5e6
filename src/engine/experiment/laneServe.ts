// A lane's side of a run in lanes (lanes.ts), for the host's lane thread: it starts the backend it is told, runs its
// strategies and sends every event, its task 0 records, the models and checkpoints the host asked for and how it ended
// back to the orchestrating thread. It holds on a pause gate of its own that mirrors the host's.
import * as tf from '@tensorflow/tfjs';
import { PauseGate } from '../util/pauseGate';
import { yieldToMessages } from '../util/yieldToMessages';
import { copyWeights, type FirstTaskRecord } from './firstTask';
import { takeOnce, type FromLane, type ToLane } from './laneProtocol';
import { runExperiment } from './runner';
import type { RunHooks } from './runHooks';

export interface LanePort {
  /** `transfer`: buffers moved rather than copied (the message's owner no longer needs them). */
  post(message: FromLane, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: ToLane) => void): void;
}

/** Serves one lane on `port`; `startBackend` makes the named tfjs backend this thread's. */
export function serveLane(port: LanePort, startBackend: (name: string) => Promise<void>): void {
  let stop = false;
  const gate = new PauseGate();
  const received = takeOnce<FirstTaskRecord>();
  port.onMessage(async (m) => {
    if (m.type === 'stop') {
      stop = true;
      gate.resume(); // a paused lane wakes to see the stop
    } else if (m.type === 'pause') gate.pause();
    else if (m.type === 'resume') gate.resume();
    else if (m.type === 'step') gate.step();
    else if (m.type === 'first-task') received.put(m.record);
    else if (m.type === 'start') {
      if (m.hooks.paused) gate.pause();
      try {
        await startBackend(m.backend);
        // A fallback would train this lane's strategies on other kernels than the run's header names.
        if (tf.getBackend() !== m.backend)
          throw new Error(`the ${m.backend} backend did not start in this lane (${tf.getBackend()} did)`);
        const { datasets, ...options } = m.options;
        const hooks: RunHooks = {
          onEvent: (event) => port.post({ type: 'event', event }),
          shouldStop: () => stop,
          beforeStep: async () => {
            await yieldToMessages();
            await gate.wait();
          },
        };
        if (m.hooks.models)
          hooks.onModel = async (at, model) => {
            const weights = copyWeights(await model.exportWeights());
            const buffers = [...weights.values()].map((t) => t.data.buffer as ArrayBuffer);
            port.post({ type: 'model', at, config: { ...model.config }, weights }, buffers);
          };
        // Between two strategies (current null) the host knows as much from their events.
        if (m.hooks.checkpoints)
          hooks.onCheckpoint = (cp) => void (cp.current && port.post({ type: 'checkpoint', checkpoint: cp.current }));
        await runExperiment(m.spec, hooks, {
          ...options,
          ...(datasets ? { datasets: (id: string) => datasets[id] } : {}),
          lane: {
            only: m.only,
            relay: {
              take: received.take,
              publish: (record) => port.post({ type: 'first-task', record }),
            },
          },
        });
        port.post({ type: 'done' });
      } catch (e) {
        port.post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
      }
    }
  });
}

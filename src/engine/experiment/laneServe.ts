// A lane's side of a run in lanes (lanes.ts), for the host's lane thread: it starts the backend it is told, runs its
// strategies and sends every event, its task 0 records and how it ended back to the orchestrating thread.
import * as tf from '@tensorflow/tfjs';
import { yieldToMessages } from '../util/yieldToMessages';
import type { FirstTaskRecord } from './firstTask';
import { takeOnce, type FromLane, type ToLane } from './laneProtocol';
import { runExperiment } from './runner';

export interface LanePort {
  post(message: FromLane): void;
  onMessage(handler: (message: ToLane) => void): void;
}

/** Serves one lane on `port`; `startBackend` makes the named tfjs backend this thread's. */
export function serveLane(port: LanePort, startBackend: (name: string) => Promise<void>): void {
  let stop = false;
  const received = takeOnce<FirstTaskRecord>();
  port.onMessage(async (m) => {
    if (m.type === 'stop') stop = true;
    else if (m.type === 'first-task') received.put(m.record);
    else {
      try {
        await startBackend(m.backend);
        // A fallback would train this lane's strategies on other kernels than the run's header names.
        if (tf.getBackend() !== m.backend)
          throw new Error(`the ${m.backend} backend did not start in this lane (${tf.getBackend()} did)`);
        const { datasets, ...options } = m.options;
        await runExperiment(
          m.spec,
          {
            onEvent: (event) => port.post({ type: 'event', event }),
            shouldStop: () => stop,
            beforeStep: yieldToMessages,
          },
          {
            ...options,
            ...(datasets ? { datasets: (id: string) => datasets[id] } : {}),
            lane: {
              only: m.only,
              relay: {
                take: received.take,
                publish: (record) => port.post({ type: 'first-task', record }),
              },
            },
          },
        );
        port.post({ type: 'done' });
      } catch (e) {
        port.post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
      }
    }
  });
}

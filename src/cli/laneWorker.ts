// A lane's thread in Node (laneHost.ts): the backend it is told, then its share of the run's strategies.
import { parentPort } from 'node:worker_threads';
import { serveLane } from '../engine/experiment/laneServe';
import type { ToLane } from '../engine/experiment/laneProtocol';
import { startBackend } from './nodeBackend';

const port = parentPort!;
serveLane(
  {
    post: (m, transfer) => port.postMessage(m, transfer),
    onMessage: (handler) => port.on('message', (m: ToLane) => handler(m)),
  },
  async (name) => void (await startBackend(name)),
);

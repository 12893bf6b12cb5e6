// Lanes: a run's strategies split over threads, each lane a thread with its own backend running its share of the
// strategies (lanes.ts). This file holds what a host gives the engine to open lanes and the messages between the
// orchestrating thread and a lane's thread (structured clones).
import type { ExperimentSpec } from '../spec/experiment';
import type { RunEvent } from './events';
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import type { PauseCommand } from '../util/pauseGate';
import type { FirstTaskRecord } from './firstTask';
import type { StrategyCheckpoint } from './resume';
import type { ModelAt, RunOptions } from './runHooks';
import type { DatasetData } from './taskData';

/** One lane's thread as the host opened it: it answers with FromLane messages once given a 'start'. */
export interface LaneWorker {
  post(message: ToLane): void;
  onMessage(handler: (message: FromLane) => void): void;
  /** The thread died (an uncaught error, a crash, an exit before 'done'). */
  onFailure(handler: (message: string) => void): void;
  /** Ends the thread; called once the lane is over, whatever happened. */
  close(): void;
}

/** A host's capability to run lanes: how many threads may train at once, and how to open one more. */
export interface LaneHost {
  count: number;
  open(): LaneWorker;
}

/**
 * What a lane's run needs, sent once per lane: the run's options with datasets resolved for its tasks (every other
 * option as given, so one added to RunOptions reaches the lanes too; a resumed run's checkpoint among them).
 */
export type LaneStartOptions = Omit<RunOptions, 'datasets' | 'lanes' | 'lane' | 'pause'> & {
  datasets?: Record<string, DatasetData>;
};

/** Which of the host's hooks a lane serves: each costs copies, so a lane sends only what the host asked for. */
export interface LaneHooks {
  /** Send every model onModel would see ('model' messages). */
  models: boolean;
  /** Send every task-boundary checkpoint of its strategies ('checkpoint' messages). */
  checkpoints: boolean;
  /** Start paused (the host's pause signal was paused when the lane opened). */
  paused: boolean;
}

export type ToLane =
  /** Run strategies `only` (spec indices) of `spec` on `backend`. */
  | {
      type: 'start';
      spec: ExperimentSpec;
      backend: string;
      only: number[];
      options: LaneStartOptions;
      hooks: LaneHooks;
    }
  /** Task 0 as another lane trained it (firstTask.ts). */
  | { type: 'first-task'; record: FirstTaskRecord }
  /** The host's pause control (PauseSignal's commands). */
  | { type: PauseCommand }
  | { type: 'stop' };

export type FromLane =
  | { type: 'event'; event: RunEvent }
  | { type: 'first-task'; record: FirstTaskRecord }
  /** A model onModel would see, as a copy (its buffers transferred). */
  | { type: 'model'; at: ModelAt; config: T5Config; weights: HostTensors }
  /** The strategy under way at one of its task boundaries (resume.ts). */
  | { type: 'checkpoint'; checkpoint: StrategyCheckpoint }
  /** The lane's run returned. */
  | { type: 'done' }
  /** The lane's run threw. */
  | { type: 'failed'; message: string };

/** A record slot read at most once: what another lane sent, until a strategy here takes it (firstTask.ts). */
export function takeOnce<T>(): { put(value: T): void; take(): T | undefined } {
  let held: T | undefined;
  return {
    put: (value) => void (held = value),
    take: () => {
      const value = held;
      held = undefined;
      return value;
    },
  };
}

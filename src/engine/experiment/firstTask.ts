// Task 0 trained once for all the strategies whose first training phase is sequential fine-tuning's, exactly: the
// same initial weights, the default sampler over task 0's rows, no trainer hooks, no setting overrides, and a
// beforeTask(0) that leaves the model alone (StrategyDef.firstTaskAsSeqft). The first such strategy trains and keeps
// its weights and step events; each later one takes the weights and re-emits the events under its own index, so its
// results are the ones its own training would give, bit for bit (the trainer is deterministic: same weights, batches,
// dropout seeds and learning rates). The row evaluated after task 0 is reused likewise, but only where the weights
// after afterTask(0) equal, bit for bit, those the row was evaluated on.
import type { HostTensors } from '../model/init';
import type { Prediction } from '../train/evaluate';
import type { StepEvent } from './events';

export interface FirstTaskRecord {
  weights: HostTensors;
  steps: StepEvent[];
  /** The evaluation after task 0, with the weights it scored. */
  row?: { weights: HostTensors; scores: number[]; predictions: Prediction[][] };
}

/** Later strategies of the run that can take task 0 from a record; the record is kept only while one is left. */
export interface FirstTaskShare {
  record?: FirstTaskRecord;
  /** How many strategies still to start may use the record (including a running one that has not reached it). */
  left: number;
  /** A run in lanes: records from the other lanes come in here and this lane's own go out (lanes.ts). */
  relay?: FirstTaskRelay;
}

/** Task 0 records between lanes: `take` hands over one another lane made (once), `publish` offers this lane's. */
export interface FirstTaskRelay {
  take(): FirstTaskRecord | undefined;
  publish(record: FirstTaskRecord): void;
}

export function sameWeights(a: HostTensors, b: HostTensors): boolean {
  if (a.size !== b.size) return false;
  for (const [name, x] of a) {
    const y = b.get(name);
    if (!y || y.data.length !== x.data.length) return false;
    const [u, v] = [bitsOf(x.data), bitsOf(y.data)];
    for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  }
  return true;
}

const bitsOf = (d: Float32Array) => new Uint32Array(d.buffer, d.byteOffset, d.length);

/** A copy that later training cannot change (exportWeights may hand out views of live buffers). */
export const copyWeights = (w: HostTensors): HostTensors =>
  new Map([...w].map(([name, t]) => [name, { shape: [...t.shape], data: new Float32Array(t.data) }]));

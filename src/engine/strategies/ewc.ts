import * as tf from '@tensorflow/tfjs';
import type { T5Model } from '../model/t5';
import { disposeBatch, packBatch, type BatchShape } from '../train/batching';
import { ewcInfo } from './catalog';
import { num } from './knobs';
import type { BatchSampler, StrategyDef } from './types';
import { disposeSnapshot, snapshot, snapshotFromHost, snapshotToHost, type Snapshot } from './weights';

/** (λ/2)·Σ F·(θ − θ*)² over every parameter that has a Fisher value. Runs inside the trainer's gradient tape. */
export function ewcPenalty(
  params: ReadonlyMap<string, tf.Tensor>,
  fisher: Snapshot,
  anchor: Snapshot,
  lambda: number,
): tf.Scalar {
  const terms = [...fisher].map(([name, f]) =>
    tf.sum(tf.mul(f, tf.square(tf.sub(params.get(name)!, anchor.get(name)!)))),
  );
  return tf.mul(tf.addN(terms), lambda / 2) as tf.Scalar;
}

/** Diagonal empirical Fisher: the mean over `batches` batches of the squared gradient of the task loss. */
export function diagonalFisher(model: T5Model, sample: BatchSampler, shape: BatchShape, batches: number): Snapshot {
  const names = [...model.params.keys()];
  const vars = names.map((n) => model.params.get(n)!);
  let sums: tf.Tensor[] = names.map((n) => tf.keep(tf.zerosLike(model.params.get(n)!)));
  for (let b = 0; b < batches; b++) {
    const batch = packBatch(sample(), shape);
    try {
      const next = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => model.loss(batch, false), vars);
        return names.map((_, i) => tf.keep(tf.add(sums[i], tf.square(grads[vars[i].name]))));
      });
      tf.dispose(sums);
      sums = next;
    } finally {
      disposeBatch(batch);
    }
  }
  const out: Snapshot = new Map();
  names.forEach((n, i) => {
    out.set(n, tf.keep(tf.div(sums[i], batches)));
  });
  tf.dispose(sums);
  return out;
}

export const ewc: StrategyDef = {
  ...ewcInfo,
  create(env, knobs) {
    let fisher: Snapshot | null = null;
    let anchor: Snapshot | null = null;
    const lambda = num(knobs, 'lambda');
    return {
      hooks: () =>
        fisher && anchor ? { extraLoss: () => ewcPenalty(env.model.params, fisher!, anchor!, lambda) } : {},
      async afterTask(k) {
        const f = diagonalFisher(
          env.model,
          env.sampler(env.encoded[k], `fisher/${k}`),
          env.shape(k),
          num(knobs, 'fisherBatches'),
        );
        if (fisher) {
          const summed: Snapshot = new Map([...f].map(([n, t]) => [n, tf.keep(tf.add(t, fisher!.get(n)!))]));
          disposeSnapshot(f);
          disposeSnapshot(fisher);
          fisher = summed;
        } else fisher = f;
        disposeSnapshot(anchor);
        anchor = snapshot(env.model);
      },
      async snapshot() {
        return fisher && anchor
          ? { tensors: { fisher: await snapshotToHost(fisher), anchor: await snapshotToHost(anchor) } }
          : {};
      },
      restore({ tensors }) {
        if (!tensors?.fisher || !tensors.anchor) return;
        fisher = snapshotFromHost(tensors.fisher);
        anchor = snapshotFromHost(tensors.anchor);
      },
      dispose() {
        disposeSnapshot(fisher);
        disposeSnapshot(anchor);
      },
    };
  },
};

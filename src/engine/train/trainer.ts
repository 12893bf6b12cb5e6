// The training loop: seeded fixed-shape batches, AdamW with warm-up/decay, global-norm clipping, hooks for the
// continual-learning strategies, and a stop with a clear message at the first non-finite loss.
import * as tf from '@tensorflow/tfjs';
import type { Batch, T5Model } from '../model/t5';
import { makeRng, shuffle, type Rng } from '../util/rng';
import { AdamW, adamWDefaults } from './adamw';
import { packBatch, disposeBatch, type BatchShape, type Encoded } from './batching';
import { learningRate } from './schedule';

export interface TrainSettings {
  steps: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  batchSize: number;
  clipNorm: number; // 0 disables clipping
  seed: number;
}

export interface StepInfo {
  step: number; // 0-based index of the step just taken
  loss: number;
  gradNorm: number; // before clipping
  lr: number;
}

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(readonly step: number, readonly loss: number, readonly gradNorm: number) {
    super(`training stopped at step ${step + 1}: the loss became ${loss} (gradient norm ${gradNorm}); the weights from before that step are kept`);
  }
}

export interface TrainHooks {
  /** Which parameters train (default: all). */
  trainable?: (name: string) => boolean;
  /** Extra loss terms (EWC, LwF, orthogonality), added to the task loss inside the gradient tape. */
  extraLoss?: (batch: Batch) => tf.Scalar | null;
  /** Sees the clipped gradients before the update (importance tracking); runs inside a tidy. */
  onGrads?: (grads: Map<string, tf.Tensor>, step: number) => void;
  /** Changes gradients before the update (freezing units); runs inside a tidy, returns the new map. */
  transformGrads?: (grads: Map<string, tf.Tensor>) => Map<string, tf.Tensor>;
  onStep?: (info: StepInfo) => void | Promise<void>;
  shouldStop?: () => boolean;
}

/** Endless seeded stream of batches: shuffled epochs, every batch full (wrapping into the next epoch). */
export function* batchOrder(n: number, batchSize: number, rng: Rng): Generator<number[]> {
  let order: number[] = [];
  for (;;) {
    const rows: number[] = [];
    while (rows.length < batchSize) {
      if (order.length === 0) order = shuffle(rng, Array.from({ length: n }, (_, i) => i));
      rows.push(order.pop() as number);
    }
    yield rows;
  }
}

export class Trainer {
  readonly optimizer: AdamW;

  constructor(readonly model: T5Model, readonly settings: TrainSettings) {
    this.optimizer = new AdamW({ ...adamWDefaults, weightDecay: settings.weightDecay });
  }

  /** One step on one batch; returns loss and gradient norm, or throws NonFiniteLossError without touching weights. */
  async step(batch: Batch, stepIndex: number, totalSteps: number, hooks: TrainHooks = {}): Promise<StepInfo> {
    const s = this.settings;
    const names = [...this.model.params.keys()].filter((n) => hooks.trainable?.(n) ?? true);
    const vars = names.map((n) => this.model.params.get(n) as tf.Variable);
    const byVarName = new Map(names.map((n, i) => [vars[i].name, n]));
    const { value, grads } = tf.variableGrads(() => {
      const loss = this.model.loss(batch, true);
      const extra = hooks.extraLoss?.(batch);
      return extra ? tf.add(loss, extra) : loss;
    }, vars);
    const named = new Map<string, tf.Tensor>();
    for (const [vn, g] of Object.entries(grads)) named.set(byVarName.get(vn) as string, g);
    // tf.tidy keeps only tensors returned in arrays or plain objects (not Maps), hence the arrays here.
    const keys = [...named.keys()];
    const { norm, list } = tf.tidy(() => {
      const n = tf.sqrt(tf.addN([...named.values()].map((g) => tf.sum(tf.square(g)))));
      if (s.clipNorm <= 0) return { norm: n, list: keys.map((k) => tf.clone(named.get(k) as tf.Tensor)) };
      const scale = tf.div(s.clipNorm, tf.maximum(n, s.clipNorm));
      return { norm: n, list: keys.map((k) => tf.mul(named.get(k) as tf.Tensor, scale)) };
    });
    const clipped = new Map(keys.map((k, i) => [k, list[i]]));
    tf.dispose([...named.values()]);
    const readback = tf.stack([value, norm]);
    const [loss, gradNorm] = await readback.data();
    tf.dispose([readback, value, norm]);
    const lr = learningRate(stepIndex, totalSteps, s.lr, s.warmupSteps);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      tf.dispose([...clipped.values()]);
      throw new NonFiniteLossError(stepIndex, loss, gradNorm);
    }
    let final = clipped;
    if (hooks.onGrads || hooks.transformGrads) {
      const out = tf.tidy(() => {
        hooks.onGrads?.(clipped, stepIndex);
        const t = hooks.transformGrads ? hooks.transformGrads(clipped) : clipped;
        return keys.map((k) => (t === clipped ? tf.clone(clipped.get(k) as tf.Tensor) : (t.get(k) as tf.Tensor)));
      });
      final = new Map(keys.map((k, i) => [k, out[i]]));
      tf.dispose([...clipped.values()]);
    }
    this.optimizer.apply(this.model.params, final, lr);
    tf.dispose([...final.values()]);
    return { step: stepIndex, loss, gradNorm, lr };
  }

  /** Trains for settings.steps steps on the encoded examples. Returns every step's figures. */
  async train(data: Encoded[], shape: BatchShape, hooks: TrainHooks = {}): Promise<StepInfo[]> {
    if (data.length === 0) throw new Error('no training examples');
    const s = this.settings;
    const rng = makeRng(s.seed);
    this.model.setDropoutSeed(s.seed);
    const order = batchOrder(data.length, shape.batchSize, rng);
    const log: StepInfo[] = [];
    for (let i = 0; i < s.steps; i++) {
      if (hooks.shouldStop?.()) break;
      const rows = order.next().value as number[];
      const batch = packBatch(rows.map((r) => data[r]), shape);
      try {
        const info = await this.step(batch, i, s.steps, hooks);
        log.push(info);
        await hooks.onStep?.(info);
      } finally {
        disposeBatch(batch);
      }
    }
    return log;
  }

  dispose() {
    this.optimizer.reset();
  }
}

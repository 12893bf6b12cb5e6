// The training loop: seeded fixed-shape batches, AdamW with warm-up/decay, global-norm clipping, hooks for the
// continual-learning strategies, and a stop with a clear message at the first non-finite loss.
import * as tf from '@tensorflow/tfjs';
import type { Batch, T5Model } from '../model/t5';
import { makeRng, shuffle, type Rng } from '../util/rng';
import { AdamW, adamWDefaults } from './adamw';
import { flatten } from '../util/flatTensors';
import { runsOnHost, type Placement } from '../util/placement';
import { packBatch, disposeBatch, type BatchShape, type Encoded } from './batching';
import { learningRate } from './schedule';
import { hostAdamWKernel } from '../backend/wasmKernels/adamw';
import { activeHeapHolding, heapView } from '../backend/wasmKernels/heap';

/** Σ of every gradient's squares, tensor after tensor in index order (the order fixes the float64 result). */
export function sumSquares(arrays: readonly Float32Array[]): number {
  const kernel = hostAdamWKernel();
  if (kernel) return kernel.sumSquares(arrays);
  let sq = 0;
  for (const g of arrays) for (let j = 0; j < g.length; j++) sq += g[j] * g[j];
  return sq;
}

export interface TrainSettings {
  steps: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  batchSize: number;
  clipNorm: number; // 0 disables clipping
  seed: number;
  /** Where clipping and AdamW run: 'host' (JavaScript) suits cpu/wasm, 'device' (flat kernels) suits GPUs. */
  optimizerOn?: Placement;
}

export interface StepInfo {
  step: number; // 0-based index of the step just taken
  loss: number;
  gradNorm: number; // before clipping
  lr: number;
}

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly gradNorm: number,
  ) {
    super(
      `training stopped at step ${step + 1}: the loss became ${loss} (gradient norm ${gradNorm}); the weights from before that step are kept`,
    );
  }
}

/**
 * A step's clipped gradients on the host: gradient i is grads[i]·scale; weights[i] is parameter names[i] before the
 * update. Read-only, and on wasm views of the heap: valid during the hook's call only (copy what must outlive it).
 */
export interface HostGrads {
  names: readonly string[];
  grads: readonly Float32Array[];
  scale: number;
  weights: readonly Float32Array[];
}

export interface TrainHooks {
  /** Which parameters train (default: all). */
  trainable?: (name: string) => boolean;
  /** Extra loss terms (EWC, LwF, orthogonality), added to the task loss inside the gradient tape. */
  extraLoss?: (batch: Batch) => tf.Scalar | null;
  /** Sees the clipped gradients before the update (importance tracking); runs inside a tidy. */
  onGrads?: (grads: Map<string, tf.Tensor>, step: number) => void;
  /**
   * onGrads' host form. Where the update runs on the host (cpu/wasm) and this is set, it is called instead of onGrads
   * with the arrays the trainer has already read, so no kernel or copy per tensor is spent on it.
   */
  onHostGrads?: (grads: HostGrads, step: number) => void;
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
      if (order.length === 0)
        order = shuffle(
          rng,
          Array.from({ length: n }, (_, i) => i),
        );
      rows.push(order.pop() as number);
    }
    yield rows;
  }
}

/** Wall time of the last step's two halves, for benchmarks: the gradients (forward and backward), then the update. */
export interface StepPhases {
  gradientsMs: number;
  updateMs: number;
}

export class Trainer {
  readonly optimizer: AdamW;
  lastPhases: StepPhases = { gradientsMs: 0, updateMs: 0 };

  constructor(
    readonly model: T5Model,
    readonly settings: TrainSettings,
  ) {
    this.optimizer = new AdamW({ ...adamWDefaults, weightDecay: settings.weightDecay });
  }

  /** One step on one batch; returns loss and gradient norm, or throws NonFiniteLossError without touching weights. */
  async step(batch: Batch, stepIndex: number, totalSteps: number, hooks: TrainHooks = {}): Promise<StepInfo> {
    const s = this.settings;
    const names = [...this.model.params.keys()].filter((n) => hooks.trainable?.(n) ?? true);
    const vars = names.map((n) => this.model.params.get(n) as tf.Variable);
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => {
      const loss = this.model.loss(batch, true);
      const extra = hooks.extraLoss?.(batch);
      return extra ? tf.add(loss, extra) : loss;
    }, vars);
    const raw = names.map((n) => grads[(this.model.params.get(n) as tf.Variable).name]);
    const lr = learningRate(stepIndex, totalSteps, s.lr, s.warmupSteps);
    const t1 = performance.now();
    try {
      const host = runsOnHost(s.optimizerOn);
      const stats = host
        ? await this.updateOnHost(names, raw, value, stepIndex, lr, hooks)
        : await this.updateOnDevice(names, raw, value, stepIndex, lr, hooks);
      this.lastPhases = { gradientsMs: t1 - t0, updateMs: performance.now() - t1 };
      return { step: stepIndex, lr, ...stats };
    } finally {
      tf.dispose([...raw, value]);
    }
  }

  private clipScale(norm: number) {
    return this.settings.clipNorm > 0 ? this.settings.clipNorm / Math.max(norm, this.settings.clipNorm) : 1;
  }

  /** Runs the gradient hooks on device; returns the transformed gradients when transformGrads is set. */
  private runHooks(
    names: string[],
    grads: tf.Tensor[],
    scale: number | tf.Scalar,
    stepIndex: number,
    hooks: TrainHooks,
  ): tf.Tensor[] | undefined {
    if (!hooks.onGrads && !hooks.transformGrads) return undefined;
    return tf.tidy(() => {
      const clipped = new Map(names.map((k, i) => [k, tf.mul(grads[i], scale)]));
      hooks.onGrads?.(clipped, stepIndex);
      if (!hooks.transformGrads) return undefined;
      const changed = hooks.transformGrads(clipped);
      return names.map((k) => changed.get(k) as tf.Tensor);
    });
  }

  /**
   * cpu / wasm: read gradients once, clip and update in JavaScript (no chain of small kernels). On wasm the arrays are
   * views of the heap (no copies), valid until the next allocation: the norm and the host hooks use them at once, and
   * the update takes its own after its allocations.
   */
  private async updateOnHost(
    names: string[],
    raw: tf.Tensor[],
    value: tf.Scalar,
    stepIndex: number,
    lr: number,
    hooks: TrainHooks,
  ) {
    const loss = (await value.data())[0];
    const onHeap = activeHeapHolding(raw);
    const read = (t: tf.Tensor) => (onHeap ? heapView(onHeap, t) : (t.dataSync() as Float32Array));
    const host = raw.map(read);
    const gradNorm = Math.sqrt(sumSquares(host));
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) throw new NonFiniteLossError(stepIndex, loss, gradNorm);
    const scale = this.clipScale(gradNorm);
    if (hooks.onHostGrads) {
      // Read-only: the cpu backend hands out its own buffers, and on wasm these are views of the heap.
      const weights = names.map((n) => read(this.model.params.get(n)!));
      hooks.onHostGrads({ names, grads: host, scale, weights }, stepIndex);
    }
    const changed = this.runHooks(
      names,
      raw,
      scale,
      stepIndex,
      hooks.onHostGrads ? { ...hooks, onGrads: undefined } : hooks,
    );
    try {
      this.optimizer.applyHost(this.model.params, names, changed ?? raw, changed ? 1 : scale, lr);
    } finally {
      if (changed) tf.dispose(changed);
    }
    return { loss, gradNorm };
  }

  /** GPU backends: clip and update as a few kernels over one flat vector; one small readback for loss and norm. */
  private async updateOnDevice(
    names: string[],
    raw: tf.Tensor[],
    value: tf.Scalar,
    stepIndex: number,
    lr: number,
    hooks: TrainHooks,
  ) {
    const clip = this.settings.clipNorm;
    const { norm, scale, flat } = tf.tidy(() => {
      const g = flatten(raw);
      const n = tf.sqrt(tf.sum(tf.square(g)));
      const sc = clip > 0 ? (tf.div(clip, tf.maximum(n, clip)) as tf.Scalar) : tf.scalar(1);
      return { norm: n, scale: sc, flat: tf.mul(g, sc) as tf.Tensor1D };
    });
    try {
      const readback = tf.stack([value, norm]);
      const [loss, gradNorm] = await readback.data();
      readback.dispose();
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) throw new NonFiniteLossError(stepIndex, loss, gradNorm);
      const changed = this.runHooks(names, raw, scale, stepIndex, hooks);
      if (changed) {
        const f = flatten(changed);
        tf.dispose(changed);
        this.optimizer.applyFlat(this.model.params, names, f, lr);
        f.dispose();
      } else this.optimizer.applyFlat(this.model.params, names, flat, lr);
      return { loss, gradNorm };
    } finally {
      tf.dispose([norm, scale, flat]);
    }
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
      const batch = packBatch(
        rows.map((r) => data[r]),
        shape,
      );
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

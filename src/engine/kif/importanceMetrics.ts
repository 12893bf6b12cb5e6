// Importance metrics (KIF.md §2), each with an on-device form for the tracker and a per-element form for the reference.
import * as tf from '@tensorflow/tfjs';
import { importanceDefaults, type ImportanceMetricName, type ImportanceOptions } from './importanceDefaults';

/** Cached scalar constants owned by the tracker, so no scalar is uploaded per step. */
export type Scalars = (value: number) => tf.Scalar;

/** Per-element state: sensitivity EMA Ī (or running mean) and uncertainty EMA Ū. */
export interface SmoothingState<T> {
  ibar: T;
  ubar: T;
}

/** A step's result; `ubar` is absent when the rule leaves Ū untouched. */
export type SmoothingUpdate<T> = { ibar: T; ubar?: T };

export interface SmoothingStep {
  beta1: number;
  beta2: number;
  /** Counted steps including this one (1 on the first counted step of a task). */
  n: number;
}

/** How instantaneous sensitivities I_t become an element score. */
export interface Smoothing {
  step(i: tf.Tensor, prev: SmoothingState<tf.Tensor>, k: Scalars, s: SmoothingStep): SmoothingUpdate<tf.Tensor>;
  score(state: SmoothingState<tf.Tensor>): tf.Tensor;
  /** The same rule written literally, one element at a time (the reference). */
  stepOf(i: number, prev: SmoothingState<number>, s: SmoothingStep): SmoothingUpdate<number>;
  scoreOf(state: SmoothingState<number>): number;
  /**
   * The tracker's host loop: folds I = sens(w_j·g_j·scale) for j < size into the buffers from `offset` on, in place
   * and without allocating (g null: gradient zero). Checked against stepOf by the tracker's tests.
   */
  fold(
    sens: (wg: number) => number,
    w: Float32Array,
    g: Float32Array | null,
    scale: number,
    state: SmoothingState<Float32Array>,
    offset: number,
    size: number,
    s: SmoothingStep,
  ): void;
}

export const smoothings: Record<'ema' | 'mean' | 'ema-only' | 'mean-uncertainty', Smoothing> = {
  // Ī_t = β1·Ī + (1−β1)·I;  Ū_t = β2·Ū + (1−β2)·|I − Ī_t|;  s = Ī·Ū.
  // On device with d = I − Ī_{t−1}: Ī_t = Ī + (1−β1)·d and I − Ī_t = β1·d, so |I − Ī_t| = β1·|d| (7 kernels, not 8).
  ema: {
    step: (i, { ibar, ubar }, k, { beta1, beta2 }) => {
      const d = tf.sub(i, ibar);
      return {
        ibar: tf.add(ibar, tf.mul(d, k(1 - beta1))),
        ubar: tf.add(tf.mul(ubar, k(beta2)), tf.mul(tf.abs(d), k(beta1 * (1 - beta2)))),
      };
    },
    score: ({ ibar, ubar }) => tf.mul(ibar, ubar),
    stepOf: (i, { ibar, ubar }, { beta1, beta2 }) => {
      const nextI = beta1 * ibar + (1 - beta1) * i;
      return { ibar: nextI, ubar: beta2 * ubar + (1 - beta2) * Math.abs(i - nextI) };
    },
    scoreOf: ({ ibar, ubar }) => ibar * ubar,
    fold: (sens, w, g, scale, { ibar, ubar }, offset, size, { beta1, beta2 }) => {
      const a = 1 - beta1;
      const b = beta1 * (1 - beta2);
      for (let j = 0, o = offset; j < size; j++, o++) {
        const d = sens(g ? w[j] * g[j] * scale : 0) - ibar[o];
        ibar[o] += a * d;
        ubar[o] = beta2 * ubar[o] + b * Math.abs(d);
      }
    },
  },
  // TaSL's ablation without EMA smoothing and uncertainty: the score is the running mean of I over the task's steps.
  mean: {
    step: (i, { ibar }, _k, { n }) => ({ ibar: tf.add(ibar, tf.mul(tf.sub(i, ibar), tf.scalar(1 / n))) }),
    score: ({ ibar }) => ibar,
    stepOf: (i, { ibar }, { n }) => ({ ibar: ibar + (i - ibar) / n }),
    scoreOf: ({ ibar }) => ibar,
    fold: (sens, w, g, scale, { ibar }, offset, size, { n }) => {
      for (let j = 0, o = offset; j < size; j++, o++) ibar[o] += (sens(g ? w[j] * g[j] * scale : 0) - ibar[o]) / n;
    },
  },
  // Ablation without the uncertainty term: the score is the sensitivity EMA Ī alone.
  'ema-only': {
    step: (i, { ibar }, k, { beta1 }) => ({ ibar: tf.add(ibar, tf.mul(tf.sub(i, ibar), k(1 - beta1))) }),
    score: ({ ibar }) => ibar,
    stepOf: (i, { ibar }, { beta1 }) => ({ ibar: beta1 * ibar + (1 - beta1) * i }),
    scoreOf: ({ ibar }) => ibar,
    fold: (sens, w, g, scale, { ibar }, offset, size, { beta1 }) => {
      for (let j = 0, o = offset; j < size; j++, o++)
        ibar[o] += (1 - beta1) * (sens(g ? w[j] * g[j] * scale : 0) - ibar[o]);
    },
  },
  // Ablation without EMA smoothing: running means over the task's steps in place of both EMAs,
  // Ī_n = Ī + (I − Ī)/n, Ū_n = Ū + (|I − Ī_n| − Ū)/n, s = Ī·Ū. With d = I − Ī_{n−1}: |I − Ī_n| = |d|·(1 − 1/n).
  'mean-uncertainty': {
    step: (i, { ibar, ubar }, _k, { n }) => {
      const d = tf.sub(i, ibar);
      const dev = tf.mul(tf.abs(d), tf.scalar(1 - 1 / n));
      return {
        ibar: tf.add(ibar, tf.mul(d, tf.scalar(1 / n))),
        ubar: tf.add(ubar, tf.mul(tf.sub(dev, ubar), tf.scalar(1 / n))),
      };
    },
    score: ({ ibar, ubar }) => tf.mul(ibar, ubar),
    stepOf: (i, { ibar, ubar }, { n }) => {
      const nextI = ibar + (i - ibar) / n;
      return { ibar: nextI, ubar: ubar + (Math.abs(i - nextI) - ubar) / n };
    },
    scoreOf: ({ ibar, ubar }) => ibar * ubar,
    fold: (sens, w, g, scale, { ibar, ubar }, offset, size, { n }) => {
      const keep = 1 - 1 / n;
      for (let j = 0, o = offset; j < size; j++, o++) {
        const d = sens(g ? w[j] * g[j] * scale : 0) - ibar[o];
        ibar[o] += d / n;
        ubar[o] += (Math.abs(d) * keep - ubar[o]) / n;
      }
    },
  },
};

export interface ImportanceMetric {
  label: string;
  /** I_t from the product w·g, on device. */
  sensitivity(wg: tf.Tensor, k: Scalars): tf.Tensor;
  sensitivityOf(wg: number): number;
  smoothing: keyof typeof smoothings;
}

export const importanceMetrics: Record<string, ImportanceMetric> = {
  'first-order': {
    label: '|w·g| with EMA sensitivity and uncertainty (KIF default)',
    sensitivity: (wg) => tf.abs(wg),
    sensitivityOf: (wg) => Math.abs(wg),
    smoothing: 'ema',
  },
  'second-order': {
    label: '|w·g − ½(w·g)²| with EMA sensitivity and uncertainty (KIF with LoRA)',
    sensitivity: (wg, k) => tf.abs(tf.mul(wg, tf.sub(k(1), tf.mul(wg, k(0.5))))),
    sensitivityOf: (wg) => Math.abs(wg - 0.5 * wg * wg),
    smoothing: 'ema',
  },
  plain: {
    label: 'running mean of |w·g|, no EMA or uncertainty (TaSL ablation)',
    sensitivity: (wg) => tf.abs(wg),
    sensitivityOf: (wg) => Math.abs(wg),
    smoothing: 'mean',
  },
  'no-uncertainty': {
    label: '|w·g| with the sensitivity EMA only, no uncertainty term (TaSL ablation)',
    sensitivity: (wg) => tf.abs(wg),
    sensitivityOf: (wg) => Math.abs(wg),
    smoothing: 'ema-only',
  },
  'no-ema': {
    label: '|w·g| with running means in place of both EMAs, uncertainty kept (TaSL ablation)',
    sensitivity: (wg) => tf.abs(wg),
    sensitivityOf: (wg) => Math.abs(wg),
    smoothing: 'mean-uncertainty',
  },
} satisfies Record<ImportanceMetricName, ImportanceMetric>;

export function importanceMetric(name: string): ImportanceMetric {
  const m = importanceMetrics[name];
  if (!m) throw new Error(`unknown importance metric "${name}"; known: ${Object.keys(importanceMetrics).join(', ')}`);
  return m;
}

// Re-exported: the trackers and tests take the options with the metrics.
export { importanceDefaults, type ImportanceOptions };

/** Resolves options against the defaults and checks them; throws naming every bad knob. */
export function resolveImportanceOptions<T extends ImportanceOptions>(defaults: T, options: Partial<T>): T {
  const o = { ...defaults, ...options };
  importanceMetric(o.metric);
  const bad = (['beta1', 'beta2'] as const)
    .filter((k) => !(o[k] >= 0 && o[k] <= 1))
    .map((k) => `${k} must be in [0, 1] (got ${o[k]})`);
  if (bad.length > 0) throw new Error(`importance: ${bad.join('; ')}`);
  return o;
}

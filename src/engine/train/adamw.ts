// AdamW with decoupled weight decay, as PyTorch's torch.optim.AdamW: w ← w·(1 − lr·wd) − lr/bc1 · m / (√v/√bc2 + ε).
import * as tf from '@tensorflow/tfjs';

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Parameters that get no weight decay (Hugging Face's Trainer exempts layer norms). */
  noDecay: (name: string) => boolean;
}

export const adamWDefaults: AdamWSettings = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  noDecay: (name) => name.includes('layer_norm'),
};

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;

  constructor(readonly settings: AdamWSettings = adamWDefaults) {}

  /** Applies one update; grads are already clipped. Call inside no tidy (it manages its own). */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number) {
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this.settings;
    const bc1 = 1 - beta1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.t);
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const w = params.get(name) as tf.Variable;
        let m = this.m.get(name);
        let v = this.v.get(name);
        if (!m || !v) {
          m = tf.variable(tf.zerosLike(w), false);
          v = tf.variable(tf.zerosLike(w), false);
          this.m.set(name, m);
          this.v.set(name, v);
        }
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(m1);
        v.assign(v1);
        const decay = this.settings.noDecay(name) ? 1 : 1 - lr * weightDecay;
        const stepped = tf.sub(tf.mul(w, decay), tf.mul(tf.div(m1, tf.add(tf.div(tf.sqrt(v1), sqrtBc2), eps)), lr / bc1));
        w.assign(stepped);
      }
    });
  }

  /** Forget the moments (a new task starts a fresh optimizer, as a new Trainer would). */
  reset() {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
    this.t = 0;
  }

  get stepCount() {
    return this.t;
  }
}

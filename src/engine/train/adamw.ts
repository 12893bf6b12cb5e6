// AdamW with decoupled weight decay, as PyTorch's torch.optim.AdamW: w ← w·(1 − lr·wd) − lr/bc1 · m / (√v/√bc2 + ε).
// All parameters are updated as one flat vector (one concat, a dozen elementwise kernels, one split) rather than
// a dozen kernels per tensor: on wasm and WebGPU the per-kernel overhead, not the arithmetic, dominates small models.
import * as tf from '@tensorflow/tfjs';
import { flatten, unflatten } from '../util/flatTensors';
import { hostAdamWKernel, type AdamWScalars } from '../backend/wasmKernels/adamw';
import { activeHeapHolding, heapView, uninitializedTensor } from '../backend/wasmKernels/heap';

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

/** One tensor's host update in JavaScript (w, m, v in place): the reference the wasm kernel equals bit for bit. */
export function adamwLoop(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamWScalars) {
  const { scale, beta1, beta2, stepSize, invSqrtBc2, eps, decay } = s;
  for (let j = 0; j < w.length; j++) {
    const gj = g[j] * scale;
    const mj = (m[j] = beta1 * m[j] + (1 - beta1) * gj);
    const vj = (v[j] = beta2 * v[j] + (1 - beta2) * gj * gj);
    w[j] = w[j] * decay - (stepSize * mj) / (Math.sqrt(vj) * invSqrtBc2 + eps);
  }
}

export interface AdamWState {
  t: number;
  names: string[];
  m: Float32Array;
  v: Float32Array;
}

export class AdamW {
  private m?: tf.Variable;
  private v?: tf.Variable;
  private decayMask?: tf.Tensor1D; // 1 where weight decay applies
  private hostM?: Float32Array[]; // the host update's moments, or moments imported and not yet taken over
  private hostV?: Float32Array[];
  private heapM?: tf.Tensor[]; // on the wasm backend, the host update's moments as tensors, updated in place
  private heapV?: tf.Tensor[];
  private names: string[] = [];
  private t = 0;

  constructor(readonly settings: AdamWSettings = adamWDefaults) {}

  private ensureState(params: Map<string, tf.Variable>, names: string[]) {
    const same = names.join('\n') === this.names.join('\n');
    if (this.m && same) return;
    this.momentsToHost();
    // Moments imported with importState live on the host until the first device update takes them over.
    const imported = same && this.hostM ? { t: this.t, m: this.hostM, v: this.hostV as Float32Array[] } : undefined;
    this.reset();
    this.names = names;
    const sizes = names.map((n) => (params.get(n) as tf.Variable).size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const joined = (parts: Float32Array[]) => tf.concat(parts.map((p) => tf.tensor1d(p)));
    this.m = tf.variable(imported ? tf.tidy(() => joined(imported.m)) : tf.zeros([total]), false);
    this.v = tf.variable(imported ? tf.tidy(() => joined(imported.v)) : tf.zeros([total]), false);
    if (imported) this.t = imported.t;
    const mask = new Float32Array(total);
    let o = 0;
    names.forEach((n, i) => {
      mask.fill(this.settings.noDecay(n) ? 0 : 1, o, o + sizes[i]);
      o += sizes[i];
    });
    this.decayMask = tf.keep(tf.tensor1d(mask));
  }

  /** Applies one update from (clipped) gradients, flat in the order of `names`. */
  applyFlat(params: Map<string, tf.Variable>, names: string[], flatGrad: tf.Tensor1D, lr: number) {
    this.ensureState(params, names);
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this.settings;
    const bc1 = 1 - beta1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.t);
    const vars = names.map((n) => params.get(n) as tf.Variable);
    const m = this.m as tf.Variable;
    const v = this.v as tf.Variable;
    const mask = this.decayMask as tf.Tensor1D;
    tf.tidy(() => {
      const w = flatten(vars);
      const m1 = tf.add(tf.mul(m, beta1), tf.mul(flatGrad, 1 - beta1));
      const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(flatGrad), 1 - beta2));
      m.assign(m1);
      v.assign(v1);
      const decayed = tf.sub(w, tf.mul(tf.mul(w, mask), lr * weightDecay));
      const stepped = tf.sub(decayed, tf.mul(tf.div(m1, tf.add(tf.mul(tf.sqrt(v1), 1 / sqrtBc2), eps)), lr / bc1));
      const parts = unflatten(
        stepped as tf.Tensor1D,
        vars.map((x) => x.shape),
      );
      vars.forEach((x, i) => x.assign(parts[i]));
    });
  }

  /**
   * The same update computed in JavaScript (or its wasm kernel) on the host: for backends whose tensors live in CPU
   * memory (cpu, wasm), a plain loop beats a chain of small kernels. grads are unclipped (one per name); scale is the
   * clipping factor. On the wasm backend the loop runs on the heap in place: gradients, weights and moments are read
   * where they lie, and each new weight is written into a fresh tensor (never into a buffer another tensor may share,
   * nor one tfjs-wasm's product caches have packed).
   */
  applyHost(params: Map<string, tf.Variable>, names: string[], grads: readonly tf.Tensor[], scale: number, lr: number) {
    const vars = names.map((n) => params.get(n) as tf.Variable);
    const heap = activeHeapHolding([...vars, ...grads]);
    if (names.join('\n') !== this.names.join('\n') || !(this.hostM || this.heapM)) {
      this.reset();
      this.names = names;
      this.hostM = grads.map((g) => new Float32Array(g.size));
      this.hostV = grads.map((g) => new Float32Array(g.size));
    }
    if (heap && !this.heapM) {
      // Fresh or imported moments move into the heap once.
      this.heapM = (this.hostM as Float32Array[]).map((m) => tf.keep(tf.tensor1d(m)));
      this.heapV = (this.hostV as Float32Array[]).map((v) => tf.keep(tf.tensor1d(v)));
      this.hostM = this.hostV = undefined;
    } else if (!heap) this.momentsToHost();
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this.settings;
    const stepSize = lr / (1 - beta1 ** this.t);
    const invSqrtBc2 = 1 / Math.sqrt(1 - beta2 ** this.t);
    const kernel = hostAdamWKernel();
    const update = (i: number, w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array) => {
      const decay = this.settings.noDecay(names[i]) ? 1 : 1 - lr * weightDecay;
      const s = { scale, beta1, beta2, stepSize, invSqrtBc2, eps, decay };
      if (kernel) kernel.update(w, g, m, v, s);
      else adamwLoop(w, g, m, v, s);
    };
    if (heap) {
      const next = vars.map((x) => uninitializedTensor(heap, x.shape));
      // Views only after the last allocation, which may have grown the heap.
      const [m, v] = [this.heapM as tf.Tensor[], this.heapV as tf.Tensor[]];
      next.forEach((t, i) => {
        const w = heapView(heap, t);
        w.set(heapView(heap, vars[i]));
        update(i, w, heapView(heap, grads[i]), heapView(heap, m[i]), heapView(heap, v[i]));
      });
      vars.forEach((x, i) => x.assign(next[i]));
      tf.dispose(next);
      return;
    }
    names.forEach((_, i) => {
      const w = new Float32Array(vars[i].dataSync());
      update(
        i,
        w,
        grads[i].dataSync() as Float32Array,
        (this.hostM as Float32Array[])[i],
        (this.hostV as Float32Array[])[i],
      );
      tf.tidy(() => vars[i].assign(tf.tensor(w, vars[i].shape, 'float32')));
    });
  }

  /** Moves the host update's moments out of the wasm heap into host arrays (the backend changed under a run). */
  private momentsToHost() {
    if (!this.heapM || !this.heapV) return;
    this.hostM = this.heapM.map((m) => new Float32Array(m.dataSync()));
    this.hostV = this.heapV.map((v) => new Float32Array(v.dataSync()));
    tf.dispose([...this.heapM, ...this.heapV]);
    this.heapM = this.heapV = undefined;
  }

  /** The moments and step count, flat in the order of `names` (for resumable training); null before the first step. */
  exportState(): AdamWState | null {
    if (this.t === 0) return null;
    const flat = (parts: Float32Array[]) => {
      const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) (out.set(p, o), (o += p.length));
      return out;
    };
    const read = (ts: tf.Tensor[]) => ts.map((t) => t.dataSync() as Float32Array);
    const m = this.heapM ? flat(read(this.heapM)) : this.hostM ? flat(this.hostM) : (this.m as tf.Variable).dataSync();
    const v = this.heapV ? flat(read(this.heapV)) : this.hostV ? flat(this.hostV) : (this.v as tf.Variable).dataSync();
    return { t: this.t, names: [...this.names], m: new Float32Array(m), v: new Float32Array(v) };
  }

  /** Continues from exported moments; `params` gives the tensor sizes of the state's names. */
  importState(state: AdamWState, params: Map<string, tf.Variable>) {
    this.reset();
    this.names = [...state.names];
    const sizes = state.names.map((n) => {
      const p = params.get(n);
      if (!p) throw new Error(`optimizer state names parameter "${n}", which the model does not have`);
      return p.size;
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (state.m.length !== total || state.v.length !== total)
      throw new Error(`optimizer state holds ${state.m.length} values, the parameters ${total}`);
    const split = (flat: Float32Array) => {
      let o = 0;
      return sizes.map((n) => flat.slice(o, (o += n)));
    };
    this.hostM = split(state.m);
    this.hostV = split(state.v);
    this.t = state.t;
  }

  /** Forget the moments (a new task starts a fresh optimizer, as a new Trainer would). */
  reset() {
    tf.dispose(
      [this.m, this.v, this.decayMask, ...(this.heapM ?? []), ...(this.heapV ?? [])].filter(
        (x) => x !== undefined,
      ) as tf.Tensor[],
    );
    this.m = this.v = this.decayMask = undefined;
    this.hostM = this.hostV = undefined;
    this.heapM = this.heapV = undefined;
    this.names = [];
    this.t = 0;
  }

  get stepCount() {
    return this.t;
  }
}

// A faithful T5 encoder-decoder on TensorFlow.js. Parameters are tf.Variables keyed by their Hugging Face names, in
// PyTorch's [out, in] layout; every projection is computed as x · Wᵀ (matMul's transposeB, no extra kernel).
import * as tf from '@tensorflow/tfjs';
import type { T5Config } from './config';
import { paramSpecs } from './paramSpec';
import type { HostTensors } from './init';
import { lookupRows } from './embedding';
import { tokenNll } from './crossEntropy';
import { bucketGrid } from './relativePosition';
import { mm } from './matmul';
import { rmsNorm } from './rmsNorm';

export interface Batch {
  inputIds: tf.Tensor2D; // int32 [B, Lin]
  inputMask: tf.Tensor2D; // float32 [B, Lin], 1 for tokens, 0 for padding
  decoderInputIds: tf.Tensor2D; // int32 [B, Lout]: labels shifted right, pad (0) as start
  labels: tf.Tensor2D; // int32 [B, Lout]
  labelMask: tf.Tensor2D; // float32 [B, Lout], 0 where the loss ignores the position
}

const NEG = -1e9;
let modelCounter = 0;

export class T5Model {
  readonly params = new Map<string, tf.Variable>();
  private readonly constants = new Map<string, tf.Tensor>();
  private dropoutSeed = 1;
  /**
   * Terms added to a projection's output, by weight name: x [N, in] -> [N, out]. LoRA adapters (lora.ts) hook in
   * here; a fused projection must still add the term of each weight it covers.
   */
  readonly projectionExtras = new Map<string, (x: tf.Tensor2D) => tf.Tensor>();

  constructor(
    readonly config: T5Config,
    weights: HostTensors,
  ) {
    const id = ++modelCounter;
    for (const s of paramSpecs(config)) {
      const w = weights.get(s.name);
      if (!w) throw new Error(`missing weight ${s.name}`);
      if (w.shape.join(',') !== s.shape.join(','))
        throw new Error(`${s.name}: shape [${w.shape}] but the config needs [${s.shape}]`);
      // Variable names are global in tfjs: prefix with the model id so several models can live side by side.
      this.params.set(s.name, tf.variable(tf.tensor(w.data, s.shape, 'float32'), true, `m${id}/${s.name}`));
    }
  }

  p(name: string): tf.Tensor {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** A cached constant (bucket ids, masks) that lives as long as the model. */
  private constant(key: string, make: () => tf.Tensor): tf.Tensor {
    let t = this.constants.get(key);
    if (!t) {
      t = tf.keep(make());
      this.constants.set(key, t);
    }
    return t;
  }

  setDropoutSeed(seed: number) {
    this.dropoutSeed = seed;
  }

  private dropout<T extends tf.Tensor>(x: T, training: boolean): T {
    const rate = this.config.dropout;
    if (!training || rate <= 0) return x;
    return tf.dropout(x, rate, undefined, this.dropoutSeed++) as T;
  }

  private rmsNorm(x: tf.Tensor, weight: string): tf.Tensor {
    return rmsNorm(x, this.p(weight), this.config.layerNormEps);
  }

  /** x [B, L, in] · Wᵀ with W [out, in] -> [B, L, out] */
  linear(x: tf.Tensor, weight: string): tf.Tensor3D {
    const [b, l, d] = x.shape;
    const w = this.p(weight);
    const x2 = tf.reshape(x, [b * l, d]);
    const y = mm(x2, w, false, true);
    const extra = this.projectionExtras.get(weight);
    return tf.reshape(extra ? tf.add(y, extra(x2 as tf.Tensor2D)) : y, [b, l, w.shape[0]]);
  }

  /** [B, L, H*dk] -> [B, H, L, dk] */
  splitHeads(x: tf.Tensor): tf.Tensor4D {
    const [b, l] = x.shape;
    return tf.transpose(tf.reshape(x, [b, l, this.config.numHeads, this.config.dKv]), [0, 2, 1, 3]);
  }

  /**
   * Several projections of one x [B, L, D], each split into heads [B, H, L, dk]. The weights stay separate parameters
   * (separate skill units) but are multiplied as one product: a concat, a matMul and a transpose for all of them, where
   * projecting one by one costs a matMul and two transposes each (and as many more in the backward pass). Weights with
   * a projection extra (LoRA) go through linear() one by one, so their terms are added.
   */
  projectHeads(x: tf.Tensor, weights: string[]): tf.Tensor4D[] {
    if (weights.length === 1 || weights.some((w) => this.projectionExtras.has(w)))
      return weights.map((w) => this.splitHeads(this.linear(x, w)));
    const [b, l, d] = x.shape;
    const { numHeads, dKv } = this.config;
    const n = weights.length;
    const y = mm(
      tf.reshape(x, [b * l, d]),
      tf.concat(
        weights.map((w) => this.p(w)),
        0,
      ),
      false,
      true,
    ); // [B*L, n*H*dk]
    // Two small transposes rather than one rank-5 one, and apart along the first axis: on wasm a rank-5 transpose or
    // an unstack along an inner axis runs tens of times slower.
    const byWeight = tf.transpose(tf.reshape(y, [b * l, n, numHeads * dKv]), [1, 0, 2]); // [n, B*L, H*dk]
    const heads = tf.transpose(tf.reshape(byWeight, [n * b, l, numHeads, dKv]), [0, 2, 1, 3]); // [n*B, H, L, dk]
    // A split along the first axis, not an unstack: tfjs-wasm's Unpack (and its gradient, Pack) cost several times
    // SplitV (and Concat) for the same bytes.
    return tf.split(heads, n, 0) as tf.Tensor4D[];
  }

  /** Scaled-free dot-product attention (T5 has no 1/√d) over heads, then the output projection. */
  attend(
    q: tf.Tensor4D,
    k: tf.Tensor4D,
    v: tf.Tensor4D,
    bias: tf.Tensor,
    prefix: string,
    training: boolean,
  ): tf.Tensor3D {
    const [b, h, lq, dk] = q.shape;
    const scores = tf.add(mm(q, k, false, true), bias);
    const probs = this.dropout(tf.softmax(scores), training);
    const ctx = tf.reshape(tf.transpose(mm(probs, v), [0, 2, 1, 3]), [b, lq, h * dk]);
    return this.linear(ctx, `${prefix}.o.weight`);
  }

  /** Position bias [1, H, qLen, kLen] for queries starting at qStart, looked up from the first block's table. */
  positionBias(stack: 'encoder' | 'decoder', qLen: number, kLen: number, qStart = 0): tf.Tensor {
    const c = this.config;
    const bidirectional = stack === 'encoder';
    const ids = this.constant(`buckets:${stack}:${qLen}:${kLen}:${qStart}`, () =>
      tf.tensor1d(bucketGrid(qLen, kLen, bidirectional, c.relBuckets, c.relMaxDistance, qStart), 'int32'),
    ) as tf.Tensor1D;
    const table = this.p(`${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`) as tf.Tensor2D;
    const rows = lookupRows(table, ids); // [q*k, H]
    return tf.expandDims(tf.transpose(tf.reshape(rows, [qLen, kLen, c.numHeads]), [2, 0, 1]), 0);
  }

  /** Additive mask [B, 1, 1, L] from a 0/1 float mask [B, L]. */
  private paddingBias(mask: tf.Tensor2D): tf.Tensor {
    const [b, l] = mask.shape;
    return tf.reshape(tf.mul(tf.sub(1, mask), NEG), [b, 1, 1, l]);
  }

  private causalBias(len: number): tf.Tensor {
    return this.constant(`causal:${len}`, () => {
      const m = new Float32Array(len * len);
      for (let i = 0; i < len; i++) for (let j = i + 1; j < len; j++) m[i * len + j] = NEG;
      return tf.tensor4d(m, [1, 1, len, len]);
    });
  }

  embed(ids: tf.Tensor2D): tf.Tensor3D {
    const [b, l] = ids.shape;
    const rows = lookupRows(this.p('shared.weight') as tf.Tensor2D, tf.reshape(ids, [b * l]) as tf.Tensor1D);
    return tf.reshape(rows, [b, l, this.config.dModel]);
  }

  private ffn(x: tf.Tensor, prefix: string, training: boolean): tf.Tensor {
    const p = `${prefix}.DenseReluDense`;
    const hidden =
      this.config.ffn === 'relu'
        ? tf.relu(this.linear(x, `${p}.wi.weight`))
        : tf.mul(geluTanh(this.linear(x, `${p}.wi_0.weight`)), this.linear(x, `${p}.wi_1.weight`));
    return this.linear(this.dropout(hidden, training), `${p}.wo.weight`);
  }

  private selfAttention(x: tf.Tensor, prefix: string, bias: tf.Tensor, training: boolean): tf.Tensor3D {
    const [q, k, v] = this.projectHeads(
      x,
      ['q', 'k', 'v'].map((n) => `${prefix}.${n}.weight`),
    );
    return this.attend(q, k, v, bias, prefix, training);
  }

  encode(inputIds: tf.Tensor2D, inputMask: tf.Tensor2D, training = false): tf.Tensor3D {
    const len = inputIds.shape[1];
    const bias = tf.add(this.positionBias('encoder', len, len), this.paddingBias(inputMask));
    let h: tf.Tensor = this.dropout(this.embed(inputIds), training);
    for (let i = 0; i < this.config.numLayers; i++) {
      const p = `encoder.block.${i}.layer`;
      const a = this.selfAttention(this.rmsNorm(h, `${p}.0.layer_norm.weight`), `${p}.0.SelfAttention`, bias, training);
      h = tf.add(h, this.dropout(a, training));
      h = tf.add(h, this.dropout(this.ffn(this.rmsNorm(h, `${p}.1.layer_norm.weight`), `${p}.1`, training), training));
    }
    return this.dropout(this.rmsNorm(h, 'encoder.final_layer_norm.weight'), training) as tf.Tensor3D;
  }

  /** Cross-attention keys and values of every decoder block, computed once per encoder output. */
  crossKeyValues(encOut: tf.Tensor3D): { k: tf.Tensor4D; v: tf.Tensor4D }[] {
    // Every block's k and v in one product.
    const blocks = [...Array(this.config.numDecoderLayers).keys()];
    const kv = this.projectHeads(
      encOut,
      blocks.flatMap((i) => ['k', 'v'].map((n) => `decoder.block.${i}.layer.1.EncDecAttention.${n}.weight`)),
    );
    return blocks.map((i) => ({ k: kv[2 * i], v: kv[2 * i + 1] }));
  }

  crossBias(inputMask: tf.Tensor2D): tf.Tensor {
    return this.paddingBias(inputMask);
  }

  /** One decoder block. selfKV, when given, supplies this block's self-attention keys/values (the cache path). */
  decoderBlock(
    i: number,
    h: tf.Tensor,
    selfBias: tf.Tensor,
    cross: { k: tf.Tensor4D; v: tf.Tensor4D },
    crossBias: tf.Tensor,
    training: boolean,
    cache?: { k: tf.Tensor4D; v: tf.Tensor4D },
  ): { h: tf.Tensor; k: tf.Tensor4D; v: tf.Tensor4D } {
    const p = `decoder.block.${i}.layer`;
    const x = this.rmsNorm(h, `${p}.0.layer_norm.weight`);
    const sa = `${p}.0.SelfAttention`;
    const [q, newK, newV] = this.projectHeads(
      x,
      ['q', 'k', 'v'].map((n) => `${sa}.${n}.weight`),
    );
    const k = cache ? tf.concat([cache.k, newK], 2) : newK;
    const v = cache ? tf.concat([cache.v, newV], 2) : newV;
    h = tf.add(h, this.dropout(this.attend(q, k, v, selfBias, sa, training), training));
    const ca = `${p}.1.EncDecAttention`;
    const cq = this.splitHeads(this.linear(this.rmsNorm(h, `${p}.1.layer_norm.weight`), `${ca}.q.weight`));
    h = tf.add(h, this.dropout(this.attend(cq, cross.k, cross.v, crossBias, ca, training), training));
    h = tf.add(h, this.dropout(this.ffn(this.rmsNorm(h, `${p}.2.layer_norm.weight`), `${p}.2`, training), training));
    return { h, k, v };
  }

  /** Final norm and the vocabulary projection: [B, L, D] -> [B*L, V]. */
  logitsFromHidden(h: tf.Tensor, training = false): tf.Tensor2D {
    const [b, l, d] = h.shape;
    let x = tf.reshape(this.dropout(this.rmsNorm(h, 'decoder.final_layer_norm.weight'), training), [b * l, d]);
    if (this.config.tieEmbeddings) return mm(tf.mul(x, d ** -0.5), this.p('shared.weight'), false, true) as tf.Tensor2D;
    x = mm(x, this.p('lm_head.weight'), false, true);
    return x as tf.Tensor2D;
  }

  decode(decoderInputIds: tf.Tensor2D, encOut: tf.Tensor3D, inputMask: tf.Tensor2D, training = false): tf.Tensor2D {
    const len = decoderInputIds.shape[1];
    const selfBias = tf.add(this.positionBias('decoder', len, len), this.causalBias(len));
    const cross = this.crossKeyValues(encOut);
    const cBias = this.crossBias(inputMask);
    let h: tf.Tensor = this.dropout(this.embed(decoderInputIds), training);
    for (let i = 0; i < this.config.numDecoderLayers; i++)
      h = this.decoderBlock(i, h, selfBias, cross[i], cBias, training).h;
    return this.logitsFromHidden(h, training);
  }

  /** Logits [B*Lout, V] for a batch. */
  forward(batch: Batch, training = false): tf.Tensor2D {
    const enc = this.encode(batch.inputIds, batch.inputMask, training);
    return this.decode(batch.decoderInputIds, enc, batch.inputMask, training);
  }

  /** Mean cross-entropy over the label positions the mask keeps (as Hugging Face with ignore_index -100). */
  loss(batch: Batch, training = false): tf.Scalar {
    return tokenCrossEntropy(this.forward(batch, training), batch.labels, batch.labelMask);
  }

  async exportWeights(): Promise<HostTensors> {
    const out: HostTensors = new Map();
    for (const [name, v] of this.params) out.set(name, { shape: [...v.shape], data: (await v.data()) as Float32Array });
    return out;
  }

  /** Overwrites every parameter from host tensors (shapes must match). */
  loadWeights(weights: HostTensors) {
    for (const [name, v] of this.params) {
      const w = weights.get(name);
      if (!w) throw new Error(`missing weight ${name}`);
      tf.tidy(() => v.assign(tf.tensor(w.data, v.shape, 'float32')));
    }
  }

  dispose() {
    for (const v of this.params.values()) v.dispose();
    for (const t of this.constants.values()) t.dispose();
    this.params.clear();
    this.constants.clear();
  }
}

/** gelu_new / gelu_pytorch_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

export function tokenCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor2D, labelMask: tf.Tensor2D): tf.Scalar {
  const n = logits.shape[0];
  const flatLabels = tf.reshape(labels, [n]) as tf.Tensor1D;
  const mask = tf.reshape(labelMask, [n]);
  const nll = tokenNll(logits, flatLabels);
  return tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

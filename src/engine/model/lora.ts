// LoRA adapters (Hu et al. 2021) on a T5Model: for each target projection W [out, in], a pair lora_A [r, in] and
// lora_B [out, r] with W x + (α/r)·B A x as the output. The pair lives in model.params under `<module>.lora_A` and
// `<module>.lora_B` (`<module>` = the weight's Hugging Face name without `.weight`), so the trainer, the importance
// tracker and the rank units of kif/units.ts see it like any parameter; the forward adds it through the model's
// projectionExtras hook as two thin products (x·Aᵀ then ·Bᵀ), never materialising W + BA.
import * as tf from '@tensorflow/tfjs';
import type { HostTensors } from './init';
import { mm } from './matmul';
import { loraTargetSets, type LoraOptions } from './loraOptions';
import { paramSpecs } from './paramSpec';
import type { T5Model } from './t5';
import { makeRng, type Rng } from '../util/rng';

export interface LoraModule {
  /** HF name of the adapted weight without `.weight`, e.g. encoder.block.0.layer.0.SelfAttention.q */
  module: string;
  weight: string;
  a: tf.Variable; // [r, in]
  b: tf.Variable; // [out, r]
}

export const loraNames = (module: string) => ({ a: `${module}.lora_A`, b: `${module}.lora_B` });

let adapterCounter = 0;

/** PEFT's default for lora_A: kaiming_uniform_(a=√5), i.e. U(−1/√in, 1/√in). */
function kaimingUniform(rng: Rng, rows: number, cols: number): Float32Array {
  const bound = 1 / Math.sqrt(cols);
  return Float32Array.from({ length: rows * cols }, () => (2 * rng() - 1) * bound);
}

/** One adapter set attached to a model. Detach (or merge, then detach) before attaching another to the same modules. */
export class LoraAdapter {
  readonly modules: LoraModule[] = [];
  /** α/r */
  readonly scale: number;

  constructor(
    readonly model: T5Model,
    readonly options: LoraOptions,
  ) {
    const { rank, alpha, targets, seed } = options;
    const kinds = loraTargetSets[targets];
    if (!kinds) throw new Error(`unknown LoRA targets "${targets}"; known: ${Object.keys(loraTargetSets).join(', ')}`);
    if (!Number.isInteger(rank) || rank < 1) throw new Error(`LoRA rank must be a positive integer (got ${rank})`);
    this.scale = alpha / rank;
    const rng = makeRng(seed);
    const id = ++adapterCounter;
    for (const spec of paramSpecs(model.config).filter((s) => kinds.includes(s.kind))) {
      const module = spec.name.replace(/\.weight$/, '');
      const names = loraNames(module);
      if (model.params.has(names.a) || model.projectionExtras.has(spec.name))
        throw new Error(`${module} already has a LoRA adapter`);
      const [out, inDim] = spec.shape;
      const a = tf.variable(tf.tensor2d(kaimingUniform(rng, rank, inDim), [rank, inDim]), true, `lora${id}/${names.a}`);
      const b = tf.variable(tf.zeros([out, rank]), true, `lora${id}/${names.b}`);
      model.params.set(names.a, a);
      model.params.set(names.b, b);
      model.projectionExtras.set(spec.name, (x) => tf.mul(mm(mm(x, a, false, true), b, false, true), this.scale));
      this.modules.push({ module, weight: spec.name, a, b });
    }
  }

  /** The adapter's parameter names (A then B per module), as the trainer's `trainable` filter and the tracker need. */
  paramNames(): string[] {
    return this.modules.flatMap((m) => [loraNames(m.module).a, loraNames(m.module).b]);
  }

  paramShapes(): { name: string; shape: number[] }[] {
    return this.modules.flatMap((m) => [
      { name: loraNames(m.module).a, shape: [...m.a.shape] },
      { name: loraNames(m.module).b, shape: [...m.b.shape] },
    ]);
  }

  /** The adapter's variables by parameter name. */
  params(): Map<string, tf.Variable> {
    return new Map(
      this.modules.flatMap((m) => [[loraNames(m.module).a, m.a] as const, [loraNames(m.module).b, m.b] as const]),
    );
  }

  /** W += (α/r)·B·A for every module: the model then computes the same function without the adapter. */
  merge(): void {
    for (const m of this.modules) {
      const w = this.model.params.get(m.weight)!;
      tf.tidy(() => w.assign(tf.add(w, tf.mul(tf.matMul(m.b, m.a), this.scale))));
    }
  }

  /** Removes the adapter from the model and frees it (merge first to keep what it learned). */
  detach(): void {
    for (const m of this.modules) {
      const names = loraNames(m.module);
      this.model.params.delete(names.a);
      this.model.params.delete(names.b);
      this.model.projectionExtras.delete(m.weight);
      if (!m.a.isDisposed) m.a.dispose();
      if (!m.b.isDisposed) m.b.dispose();
    }
    this.modules.length = 0;
  }
}

/** The model's weights with every adapter merged in and no adapter tensors: plain Hugging Face names for export. */
export async function mergedWeights(model: T5Model, adapters: readonly LoraAdapter[]): Promise<HostTensors> {
  const adapterNames = new Set(adapters.flatMap((a) => a.paramNames()));
  const out: HostTensors = new Map();
  for (const [name, v] of model.params) {
    if (adapterNames.has(name)) continue;
    const merged = tf.tidy(() => {
      let w: tf.Tensor = v;
      for (const a of adapters)
        for (const m of a.modules) if (m.weight === name) w = tf.add(w, tf.mul(tf.matMul(m.b, m.a), a.scale));
      return w === v ? tf.clone(v) : w;
    });
    out.set(name, { shape: [...v.shape], data: (await merged.data()) as Float32Array });
    merged.dispose();
  }
  return out;
}

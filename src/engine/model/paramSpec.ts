// The named parameters of a T5 model, with Hugging Face names and PyTorch's [out, in] layout.
import type { T5Config } from './config';

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Which module kind a parameter belongs to, for heatmaps and unit building. */
  kind: 'embedding' | 'lm_head' | 'q' | 'k' | 'v' | 'o' | 'rel_bias' | 'wi' | 'wi_0' | 'wi_1' | 'wo' | 'norm';
  stack?: 'encoder' | 'decoder';
  block?: number;
  /** 'self' | 'cross' for attention, 'ffn' for the feed-forward, 'final' for the final norm. */
  module?: 'self' | 'cross' | 'ffn' | 'final';
}

export function paramSpecs(c: T5Config): ParamSpec[] {
  const inner = c.numHeads * c.dKv;
  const specs: ParamSpec[] = [{ name: 'shared.weight', shape: [c.vocabSize, c.dModel], kind: 'embedding' }];
  const attn = (
    prefix: string,
    stack: 'encoder' | 'decoder',
    block: number,
    module: 'self' | 'cross',
    withBias: boolean,
  ) => {
    for (const k of ['q', 'k', 'v'] as const)
      specs.push({ name: `${prefix}.${k}.weight`, shape: [inner, c.dModel], kind: k, stack, block, module });
    specs.push({ name: `${prefix}.o.weight`, shape: [c.dModel, inner], kind: 'o', stack, block, module });
    if (withBias)
      specs.push({
        name: `${prefix}.relative_attention_bias.weight`,
        shape: [c.relBuckets, c.numHeads],
        kind: 'rel_bias',
        stack,
        block,
        module,
      });
  };
  const ffn = (prefix: string, stack: 'encoder' | 'decoder', block: number) => {
    const m = 'ffn' as const;
    if (c.ffn === 'relu')
      specs.push({
        name: `${prefix}.DenseReluDense.wi.weight`,
        shape: [c.dFf, c.dModel],
        kind: 'wi',
        stack,
        block,
        module: m,
      });
    else {
      specs.push({
        name: `${prefix}.DenseReluDense.wi_0.weight`,
        shape: [c.dFf, c.dModel],
        kind: 'wi_0',
        stack,
        block,
        module: m,
      });
      specs.push({
        name: `${prefix}.DenseReluDense.wi_1.weight`,
        shape: [c.dFf, c.dModel],
        kind: 'wi_1',
        stack,
        block,
        module: m,
      });
    }
    specs.push({
      name: `${prefix}.DenseReluDense.wo.weight`,
      shape: [c.dModel, c.dFf],
      kind: 'wo',
      stack,
      block,
      module: m,
    });
    specs.push({ name: `${prefix}.layer_norm.weight`, shape: [c.dModel], kind: 'norm', stack, block, module: m });
  };
  for (let i = 0; i < c.numLayers; i++) {
    const p = `encoder.block.${i}.layer`;
    attn(`${p}.0.SelfAttention`, 'encoder', i, 'self', i === 0);
    specs.push({
      name: `${p}.0.layer_norm.weight`,
      shape: [c.dModel],
      kind: 'norm',
      stack: 'encoder',
      block: i,
      module: 'self',
    });
    ffn(`${p}.1`, 'encoder', i);
  }
  specs.push({
    name: 'encoder.final_layer_norm.weight',
    shape: [c.dModel],
    kind: 'norm',
    stack: 'encoder',
    module: 'final',
  });
  for (let i = 0; i < c.numDecoderLayers; i++) {
    const p = `decoder.block.${i}.layer`;
    attn(`${p}.0.SelfAttention`, 'decoder', i, 'self', i === 0);
    specs.push({
      name: `${p}.0.layer_norm.weight`,
      shape: [c.dModel],
      kind: 'norm',
      stack: 'decoder',
      block: i,
      module: 'self',
    });
    attn(`${p}.1.EncDecAttention`, 'decoder', i, 'cross', false);
    specs.push({
      name: `${p}.1.layer_norm.weight`,
      shape: [c.dModel],
      kind: 'norm',
      stack: 'decoder',
      block: i,
      module: 'cross',
    });
    ffn(`${p}.2`, 'decoder', i);
  }
  specs.push({
    name: 'decoder.final_layer_norm.weight',
    shape: [c.dModel],
    kind: 'norm',
    stack: 'decoder',
    module: 'final',
  });
  if (!c.tieEmbeddings) specs.push({ name: 'lm_head.weight', shape: [c.vocabSize, c.dModel], kind: 'lm_head' });
  return specs;
}

export const numParams = (c: T5Config) => paramSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

/**
 * numParams in closed form, without building the list: what a config from outside is checked with before anything is
 * allocated for it (a config.json with num_layers 1e6 would otherwise build millions of entries first).
 */
export function paramCount(c: T5Config): number {
  const d = c.dModel;
  const attn = 4 * c.numHeads * c.dKv * d;
  const ffn = (c.ffn === 'relu' ? 2 : 3) * c.dFf * d;
  const relBias = c.relBuckets * c.numHeads;
  const encoder = c.numLayers * (attn + ffn + 2 * d) + Math.min(1, c.numLayers) * relBias + d;
  const decoder = c.numDecoderLayers * (2 * attn + ffn + 3 * d) + Math.min(1, c.numDecoderLayers) * relBias + d;
  return c.vocabSize * d * (c.tieEmbeddings ? 1 : 2) + encoder + decoder;
}

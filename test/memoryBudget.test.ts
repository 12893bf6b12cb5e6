// The device-memory estimate before Run: each part against a hand computation, and the refusal and warning it gives.
import { describe, expect, it } from 'vitest';
import { backendMemory, estimateMemory, memoryVerdict } from '../src/engine/experiment/memoryBudget';
import { ExperimentError, runExperiment } from '../src/engine/experiment/runner';
import { presets, type T5Config } from '../src/engine/model/config';
import { numParams } from '../src/engine/model/paramSpec';
import { defaultSpec, type ExperimentSpec } from '../src/engine/spec/experiment';
import { useBackend } from './helpers/tf';

const withModel = (config: T5Config, strategies: string[], batch = 32, inLen = 64, outLen = 16): ExperimentSpec => {
  const s = defaultSpec();
  return {
    ...s,
    model: { config },
    strategies: strategies.map((name) => ({ name, knobs: {} })),
    training: { ...s.training, batchSize: batch, maxInputLen: inLen, maxOutputLen: outLen },
  };
};

describe('memory estimate', () => {
  it('weights, gradients, AdamW moments and strategy copies are multiples of the parameter count', () => {
    const c = presets['t5-small'];
    const P = numParams(c);
    const kif = estimateMemory(withModel(c, ['seqft', 'kif-hard']));
    expect([kif.params, kif.weights, kif.optimizer, kif.strategy]).toEqual([P, 8 * P, 8 * P, 12 * P]);
    expect(estimateMemory(withModel(c, ['seqft'])).strategy).toBe(0);
    expect(estimateMemory(withModel(c, ['ewc', 'lwf'])).strategy).toBe(8 * P);
  });

  it('LoRA strategies hold the frozen base once, no gradient or moments, and adapters of a share of it', () => {
    const c = presets['t5-small'];
    const P = numParams(c);
    const lora = estimateMemory(withModel(c, ['seqlora', 'kif-lora']));
    expect([lora.weights, lora.optimizer]).toEqual([4 * P, 0]);
    expect(lora.strategy).toBeCloseTo(0.3 * 4 * P, 6);
    // With a full fine-tuning strategy in the same run, its larger state is the peak.
    const mixed = estimateMemory(withModel(c, ['kif-lora', 'seqft']));
    expect([mixed.weights, mixed.optimizer, mixed.strategy]).toEqual([8 * P, 8 * P, 0]);
  });

  it('activations of a one-block model, counted by hand', () => {
    // d 4, 1 head of 2, d_ff 8 (relu), 1 + 1 blocks, vocabulary 10; batch 2, 3 tokens in, 2 out.
    const c: T5Config = {
      vocabSize: 10,
      dModel: 4,
      dKv: 2,
      numHeads: 1,
      dFf: 8,
      numLayers: 1,
      numDecoderLayers: 1,
      ffn: 'relu',
      tieEmbeddings: true,
      relBuckets: 2,
      relMaxDistance: 4,
      layerNormEps: 1e-6,
      dropout: 0,
    };
    const perToken = 8 * 4 + 4 * 2 + 2 * 8; // 56
    const encoder = 2 * 3 * (perToken + 2 * 1 * 3); // 372
    const decoder = 2 * 2 * (2 * perToken + 2 * 1 * (2 + 3)); // 488
    const logits = 3 * 2 * 2 * 10; // 120
    expect(estimateMemory(withModel(c, ['seqft'], 2, 3, 2)).activations).toBe(4 * (encoder + decoder + logits));
  });

  it('the default demo fits every backend without a warning', () => {
    for (const b of Object.keys(backendMemory)) {
      const v = memoryVerdict(defaultSpec(), b);
      expect([v.refusal, v.warning]).toEqual([undefined, undefined]);
      expect(v.estimate.total).toBeLessThan(200 * 2 ** 20);
    }
  });

  it('a model that cannot fit is refused with the numbers; one that comes close is warned of', () => {
    const big = { ...presets['t5-small'], dModel: 1024, dFf: 4096, numHeads: 16, numLayers: 12, numDecoderLayers: 12 }; // ~ 300 M parameters
    const v = memoryVerdict(withModel(big, ['seqft', 'kif-hard']), 'wasm');
    expect(v.refusal).toMatch(
      /^model: this run needs about \d+\.\d GiB of memory, more than the 4\.0 GiB the wasm backend can hold: weights and gradients \d\.\d GiB \+ AdamW moments \d\.\d GiB \+ strategy state \d\.\d GiB \+ activations \d+(\.\d)? [MG]iB \(\d+\.\d M parameters, batch 32 × 64 \+ 16 tokens\)/,
    );
    const close = memoryVerdict(withModel(presets['t5-small'], ['seqft']), 'webgl');
    expect(close.refusal).toBeUndefined();
    expect(close.warning).toMatch(
      /^This run needs about 1\.\d GiB of the 2\.0 GiB the webgl backend can hold \(\d\d%\)/,
    );
  });

  it('the runner refuses such a run before any work', async () => {
    await useBackend('cpu');
    const big = { ...presets['t5-small'], dModel: 2048, dFf: 8192, numHeads: 32, numLayers: 24, numDecoderLayers: 24 };
    const t0 = performance.now();
    await expect(runExperiment(withModel(big, ['seqft']), {})).rejects.toThrow(ExperimentError);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

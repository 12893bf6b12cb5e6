import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../src/engine/io/checkpoint';
import { CheckpointError } from '../src/engine/io/checkpointError';
import { fromHfConfig, toHfConfig } from '../src/engine/io/hfConfig';
import { serializeSafetensors, type TensorData } from '../src/engine/io/safetensors';
import { presetConfig, type T5Config } from '../src/engine/model/config';
import { paramSpecs } from '../src/engine/model/paramSpec';
import { makeRng } from '../src/engine/util/rng';
import { hasShared, sharedPath } from './shared';

function randomTensors(config: T5Config, seed: number): Map<string, TensorData> {
  const rng = makeRng(seed);
  const out = new Map<string, TensorData>();
  for (const s of paramSpecs(config)) {
    const data = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng() * 2 - 1;
    out.set(s.name, { shape: s.shape, data });
  }
  return out;
}
// Byte equality without vitest's element-wise diffing of large typed arrays.
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const hfJson = (config: T5Config) => JSON.stringify(toHfConfig(config));
const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as Error;
  }
  throw new Error('expected a CheckpointError');
};

describe.skipIf(!hasShared)('the Hugging Face fixture hf-t5-v1_0 (skipped when ../shared is absent)', () => {
  const dir = (f: string) => sharedPath('fixtures', 'hf-t5-v1_0', f);
  const bytes = hasShared ? new Uint8Array(readFileSync(dir('model.safetensors'))) : new Uint8Array(0);
  const configText = hasShared ? readFileSync(dir('config.json'), 'utf8') : '{}';

  it('loads with the right config, names, shapes and values', () => {
    const { config, tensors } = readCheckpoint(bytes, configText);
    expect(config).toEqual({
      vocabSize: 64,
      dModel: 32,
      dKv: 8,
      numHeads: 4,
      dFf: 64,
      numLayers: 2,
      numDecoderLayers: 2,
      ffn: 'relu',
      tieEmbeddings: true,
      relBuckets: 32,
      relMaxDistance: 128,
      layerNormEps: 1e-6,
      dropout: 0,
    });
    const specs = paramSpecs(config);
    expect([...tensors.keys()]).toEqual(specs.map((s) => s.name));
    for (const s of specs) expect(tensors.get(s.name)!.shape).toEqual(s.shape);
    expect(tensors.has('lm_head.weight')).toBe(false);
    const shared = tensors.get('shared.weight')!.data;
    expect(Array.from(shared.slice(0, 3))).toEqual([-0.5305590033531189, -1.1299705505371094, -0.6733834743499756]);
    expect(shared.reduce((a, b) => a + b, 0)).toBeCloseTo(94.33632054296322, 3);
    const bias = tensors.get('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight')!;
    expect(bias.shape).toEqual([32, 4]);
    expect(bias.data[1]).toBe(Math.fround(-0.1870652586221695));
  });

  it('writes back the very bytes Hugging Face saved, and an equivalent config.json', () => {
    const { config, tensors } = readCheckpoint(bytes, configText);
    const out = writeCheckpoint(config, tensors);
    expect(out.safetensors.length).toBe(bytes.length);
    expect(sameBytes(out.safetensors, bytes)).toBe(true);
    expect(fromHfConfig(out.configJson)).toEqual(config);
    const written = JSON.parse(out.configJson);
    for (const [k, v] of Object.entries(JSON.parse(configText))) {
      if (k !== 'transformers_version' && k !== 'classifier_dropout') expect([k, written[k]]).toEqual([k, v]);
    }
  });
});

describe('checkpoints made from paramSpecs', () => {
  it.each(['nano', 'mini', 'bench-ref'])('%s round-trips through writeCheckpoint/readCheckpoint', (preset) => {
    const config = presetConfig(preset);
    const tensors = randomTensors(config, 7);
    const { safetensors, configJson } = writeCheckpoint(config, tensors);
    const back = readCheckpoint(safetensors, configJson);
    expect(back.config).toEqual(config);
    expect([...back.tensors.keys()]).toEqual(paramSpecs(config).map((s) => s.name));
    for (const [name, t] of tensors) {
      expect(back.tensors.get(name)!.shape).toEqual(t.shape);
      expect(sameBytes(back.tensors.get(name)!.data, t.data)).toBe(true);
    }
    expect(back.tensors.has('lm_head.weight')).toBe(!config.tieEmbeddings);
  });

  it('ignores tied aliases and a tied lm_head equal to shared.weight', () => {
    const config = presetConfig('nano');
    const tensors = randomTensors(config, 1);
    const shared = tensors.get('shared.weight')!;
    const withAliases = new Map(tensors);
    for (const alias of ['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight', 'lm_head.weight']) {
      withAliases.set(alias, { shape: shared.shape, data: shared.data.slice() });
    }
    const back = readCheckpoint(serializeSafetensors(withAliases, { format: 'pt' }), hfJson(config));
    expect([...back.tensors.keys()]).toEqual(paramSpecs(config).map((s) => s.name));
    expect(sameBytes(back.tensors.get('shared.weight')!.data, shared.data)).toBe(true);
  });

  it('takes the embedding from encoder.embed_tokens.weight when shared.weight is absent', () => {
    const config = presetConfig('nano');
    const tensors = randomTensors(config, 2);
    const shared = tensors.get('shared.weight')!;
    tensors.delete('shared.weight');
    tensors.set('encoder.embed_tokens.weight', shared);
    const back = readCheckpoint(serializeSafetensors(tensors), hfJson(config));
    expect(sameBytes(back.tensors.get('shared.weight')!.data, shared.data)).toBe(true);
  });

  it('rejects a tied lm_head that differs from shared.weight', () => {
    const config = presetConfig('nano');
    const tensors = randomTensors(config, 3);
    tensors.set('lm_head.weight', {
      shape: [config.vocabSize, config.dModel],
      data: new Float32Array(config.vocabSize * config.dModel),
    });
    expect(errorOf(() => readCheckpoint(serializeSafetensors(tensors), hfJson(config))).message).toBe(
      'lm_head.weight differs from shared.weight but config.json says tie_word_embeddings: true',
    );
  });

  it('names a missing tensor', () => {
    const config = presetConfig('nano');
    const tensors = randomTensors(config, 4);
    tensors.delete('decoder.block.1.layer.2.DenseReluDense.wo.weight');
    expect(errorOf(() => readCheckpoint(serializeSafetensors(tensors), hfJson(config))).message).toBe(
      'checkpoint is missing tensor decoder.block.1.layer.2.DenseReluDense.wo.weight',
    );
    // An untied config without lm_head.weight: the tied/untied mix-up a user is likely to make.
    const untied = { ...config, tieEmbeddings: false };
    expect(errorOf(() => readCheckpoint(serializeSafetensors(randomTensors(config, 4)), hfJson(untied))).message).toBe(
      'checkpoint is missing tensor lm_head.weight',
    );
  });

  it('names a tensor with the wrong shape, expected vs got', () => {
    const config = presetConfig('nano');
    const tensors = randomTensors(config, 5);
    tensors.set('encoder.block.0.layer.1.DenseReluDense.wi.weight', {
      shape: [config.dModel, config.dFf],
      data: new Float32Array(config.dFf * config.dModel),
    });
    expect(errorOf(() => readCheckpoint(serializeSafetensors(tensors), hfJson(config))).message).toBe(
      'tensor "encoder.block.0.layer.1.DenseReluDense.wi.weight" has shape [64, 256] but the config expects [256, 64]',
    );
  });

  it('lists a few unexpected tensors', () => {
    const config = presetConfig('nano');
    const tensors = randomTensors(config, 6);
    for (let i = 0; i < 7; i++) tensors.set(`extra.${i}`, { shape: [1], data: Float32Array.of(i) });
    expect(errorOf(() => readCheckpoint(serializeSafetensors(tensors), hfJson(config))).message).toBe(
      'checkpoint has 7 unexpected tensors for this config: extra.0, extra.1, extra.2, extra.3, extra.4 (and 2 more)',
    );
    // A gated checkpoint read with a relu config: the missing wi comes first, then the gated weights would be extra.
    const gated = presetConfig('mini');
    const asRelu = { ...gated, ffn: 'relu' as const };
    expect(
      errorOf(() => readCheckpoint(serializeSafetensors(randomTensors(gated, 6)), hfJson(asRelu))).message,
    ).toMatch(
      /^checkpoint is missing tensors encoder\.block\.0\.layer\.1\.DenseReluDense\.wi\.weight, .* \(and 3 more\)$/,
    );
  });

  it('writeCheckpoint refuses tensors that do not fit the config', () => {
    const config = presetConfig('nano');
    const tensors = randomTensors(config, 8);
    tensors.delete('shared.weight');
    expect(errorOf(() => writeCheckpoint(config, tensors)).message).toBe('checkpoint is missing tensor shared.weight');
  });
});

describe('Hugging Face config.json', () => {
  const minimal = { d_model: 16, d_kv: 4, num_heads: 4, d_ff: 32, num_layers: 3, vocab_size: 100 };

  it('fills Hugging Face defaults', () => {
    expect(fromHfConfig(minimal)).toEqual({
      vocabSize: 100,
      dModel: 16,
      dKv: 4,
      numHeads: 4,
      dFf: 32,
      numLayers: 3,
      numDecoderLayers: 3,
      ffn: 'relu',
      tieEmbeddings: true,
      relBuckets: 32,
      relMaxDistance: 128,
      layerNormEps: 1e-6,
      dropout: 0.1,
    });
    expect(fromHfConfig({ ...minimal, num_decoder_layers: null }).numDecoderLayers).toBe(3);
    expect(fromHfConfig({ ...minimal, num_decoder_layers: 1 }).numDecoderLayers).toBe(1);
  });

  it('reads the activation from feed_forward_proj, else from is_gated_act / dense_act_fn', () => {
    expect(fromHfConfig({ ...minimal, feed_forward_proj: 'gated-gelu' }).ffn).toBe('gated-gelu');
    expect(fromHfConfig({ ...minimal, is_gated_act: true, dense_act_fn: 'gelu_new' }).ffn).toBe('gated-gelu');
    expect(fromHfConfig({ ...minimal, is_gated_act: false, dense_act_fn: 'relu' }).ffn).toBe('relu');
    // feed_forward_proj wins, as in transformers.
    expect(
      fromHfConfig({ ...minimal, feed_forward_proj: 'relu', is_gated_act: true, dense_act_fn: 'gelu_new' }).ffn,
    ).toBe('relu');
  });

  it('writes what T5ForConditionalGeneration expects', () => {
    const flan = toHfConfig(presetConfig('flan-t5-small'));
    expect(flan).toMatchObject({
      architectures: ['T5ForConditionalGeneration'],
      model_type: 't5',
      is_encoder_decoder: true,
      decoder_start_token_id: 0,
      pad_token_id: 0,
      eos_token_id: 1,
      d_model: 512,
      d_kv: 64,
      num_heads: 6,
      d_ff: 1024,
      num_layers: 8,
      num_decoder_layers: 8,
      vocab_size: 32128,
      feed_forward_proj: 'gated-gelu',
      is_gated_act: true,
      dense_act_fn: 'gelu_new',
      tie_word_embeddings: false,
    });
    expect(Object.keys(flan)).toEqual(Object.keys(flan).sort());
    expect(fromHfConfig(flan)).toEqual(presetConfig('flan-t5-small'));
  });

  it('names the bad field', () => {
    const msg = (json: string | object) => errorOf(() => fromHfConfig(json)).message;
    expect(msg('{"d_model": ')).toBe('config.json is not valid JSON');
    expect(msg([1])).toBe('config.json must hold a JSON object');
    const { d_model: _drop, ...noDModel } = minimal;
    expect(msg(noDModel)).toBe('config.json: "d_model" must be a positive integer (got nothing)');
    expect(msg({ ...minimal, num_heads: 2.5 })).toBe('config.json: "num_heads" must be a positive integer (got 2.5)');
    expect(msg({ ...minimal, vocab_size: '100' })).toBe(
      'config.json: "vocab_size" must be a positive integer up to 300,000 (got "100")',
    );
    expect(msg({ ...minimal, feed_forward_proj: 'gated-silu' })).toBe(
      'config.json: "feed_forward_proj" "gated-silu" is not supported (supported: "relu", "gated-gelu")',
    );
    expect(msg({ ...minimal, is_gated_act: true, dense_act_fn: 'silu' })).toMatch(
      /"is_gated_act" true with "dense_act_fn" "silu" is not supported/,
    );
    expect(msg({ ...minimal, tie_word_embeddings: 'yes' })).toMatch(/"tie_word_embeddings" must be true or false/);
    expect(msg({ ...minimal, layer_norm_epsilon: 0 })).toBe(
      'config.json: "layer_norm_epsilon" must be a number in (0, 1) (got 0)',
    );
    expect(msg({ ...minimal, dropout_rate: 1 })).toBe('config.json: "dropout_rate" must be a number in [0, 1) (got 1)');
    expect(msg({ ...minimal, model_type: 'bart' })).toBe(
      'config.json: "model_type" is "bart", only "t5" models are supported',
    );
  });
});

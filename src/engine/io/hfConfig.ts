// Converts between Hugging Face T5 config.json objects and the engine's T5Config.
import { fmtCount, limits, overLimit } from '../limits';
import type { FfnKind, T5Config } from '../model/config';
import { paramCount } from '../model/paramSpec';
import { CheckpointError } from './checkpointError';

type Json = Record<string, unknown>;

function field(raw: Json, key: string, check: (v: number) => boolean, rule: string, fallback?: number): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !check(v)) {
    throw new CheckpointError(
      `config.json: "${key}" must be ${rule} (got ${v === undefined ? 'nothing' : JSON.stringify(v)})`,
    );
  }
  return v;
}
const upTo = (max: number) => (v: number) => Number.isInteger(v) && v >= 1 && v <= max;
const positiveInt = upTo(1_000_000);
const layerCount = upTo(limits.layers.value);
const layerRule = `a positive integer up to ${limits.layers.value} (${limits.layers.what})`;

// Hugging Face derives the activation from feed_forward_proj ("relu", "gated-gelu"); older or hand-written configs may
// only carry is_gated_act / dense_act_fn, which is what it derives them into.
function ffnKind(raw: Json): FfnKind {
  const proj = raw.feed_forward_proj;
  if (proj !== undefined) {
    if (proj === 'relu' || proj === 'gated-gelu') return proj;
    throw new CheckpointError(
      `config.json: "feed_forward_proj" ${JSON.stringify(proj)} is not supported (supported: "relu", "gated-gelu")`,
    );
  }
  const gated = raw.is_gated_act ?? false;
  const act = raw.dense_act_fn ?? 'relu';
  if (gated === false && act === 'relu') return 'relu';
  if (gated === true && (act === 'gelu_new' || act === 'gelu')) return 'gated-gelu';
  throw new CheckpointError(
    `config.json: "is_gated_act" ${JSON.stringify(gated)} with "dense_act_fn" ${JSON.stringify(act)} is not supported (supported: relu, gated gelu)`,
  );
}

/** Reads a Hugging Face T5 config.json (text or parsed). Missing optional fields take Hugging Face's T5Config defaults. */
export function fromHfConfig(json: string | object): T5Config {
  let raw: unknown = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json);
    } catch {
      throw new CheckpointError('config.json is not valid JSON');
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new CheckpointError('config.json must hold a JSON object');
  const c = raw as Json;
  if (c.model_type !== undefined && c.model_type !== 't5') {
    throw new CheckpointError(
      `config.json: "model_type" is ${JSON.stringify(c.model_type)}, only "t5" models are supported`,
    );
  }
  const tie = c.tie_word_embeddings ?? true;
  if (typeof tie !== 'boolean')
    throw new CheckpointError(`config.json: "tie_word_embeddings" must be true or false (got ${JSON.stringify(tie)})`);
  const numLayers = field(c, 'num_layers', layerCount, layerRule);
  const config: T5Config = {
    vocabSize: field(
      c,
      'vocab_size',
      upTo(limits.vocab.value),
      `a positive integer up to ${fmtCount(limits.vocab.value)}`,
    ),
    dModel: field(c, 'd_model', positiveInt, 'a positive integer'),
    dKv: field(c, 'd_kv', positiveInt, 'a positive integer'),
    numHeads: field(c, 'num_heads', positiveInt, 'a positive integer'),
    dFf: field(c, 'd_ff', positiveInt, 'a positive integer'),
    numLayers,
    numDecoderLayers: field(c, 'num_decoder_layers', layerCount, layerRule, numLayers),
    ffn: ffnKind(c),
    tieEmbeddings: tie,
    relBuckets: field(c, 'relative_attention_num_buckets', positiveInt, 'a positive integer', 32),
    relMaxDistance: field(c, 'relative_attention_max_distance', positiveInt, 'a positive integer', 128),
    layerNormEps: field(c, 'layer_norm_epsilon', (v) => v > 0 && v < 1, 'a number in (0, 1)', 1e-6),
    dropout: field(c, 'dropout_rate', (v) => v >= 0 && v < 1, 'a number in [0, 1)', 0.1),
  };
  // Checked before any tensor list or buffer is made for it.
  const params = paramCount(config);
  if (params > limits.params.value)
    throw new CheckpointError(`config.json describes a model with ${overLimit('params', params)}`);
  return config;
}

/** The config.json Hugging Face transformers loads as T5ForConditionalGeneration (keys sorted, as save_pretrained writes). */
export function toHfConfig(c: T5Config): Record<string, unknown> {
  const gated = c.ffn === 'gated-gelu';
  return {
    architectures: ['T5ForConditionalGeneration'],
    d_ff: c.dFf,
    d_kv: c.dKv,
    d_model: c.dModel,
    decoder_start_token_id: 0,
    dense_act_fn: gated ? 'gelu_new' : 'relu',
    dropout_rate: c.dropout,
    eos_token_id: 1,
    feed_forward_proj: c.ffn,
    initializer_factor: 1.0,
    is_encoder_decoder: true,
    is_gated_act: gated,
    layer_norm_epsilon: c.layerNormEps,
    model_type: 't5',
    num_decoder_layers: c.numDecoderLayers,
    num_heads: c.numHeads,
    num_layers: c.numLayers,
    pad_token_id: 0,
    relative_attention_max_distance: c.relMaxDistance,
    relative_attention_num_buckets: c.relBuckets,
    tie_word_embeddings: c.tieEmbeddings,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: c.vocabSize,
  };
}

// Hugging Face T5 checkpoints (model.safetensors + config.json) in and out, checked against the model's parameter list.
import type { T5Config } from '../model/config';
import { paramSpecs } from '../model/paramSpec';
import { CheckpointError } from './checkpointError';
import { fromHfConfig, toHfConfig } from './hfConfig';
import { parseSafetensors, serializeSafetensors, type TensorData } from './safetensors';

export interface Checkpoint {
  config: T5Config;
  tensors: Map<string, TensorData>;
}

// Hugging Face ties these to shared.weight and drops them on save; some files still carry them.
const embeddingAliases = ['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight'];

const listNames = (names: string[], max = 5) =>
  names.slice(0, max).join(', ') + (names.length > max ? ` (and ${names.length - max} more)` : '');
const sameValues = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** Throws unless `tensors` holds exactly the parameters of `config`, with the right shapes. */
function checkAgainstSpecs(config: T5Config, tensors: Map<string, TensorData>): void {
  const specs = paramSpecs(config);
  const missing = specs.filter((s) => !tensors.has(s.name)).map((s) => s.name);
  if (missing.length)
    throw new CheckpointError(`checkpoint is missing tensor${missing.length > 1 ? 's' : ''} ${listNames(missing)}`);
  for (const s of specs) {
    const got = tensors.get(s.name)!.shape;
    if (got.length !== s.shape.length || got.some((d, i) => d !== s.shape[i])) {
      throw new CheckpointError(
        `tensor "${s.name}" has shape [${got.join(', ')}] but the config expects [${s.shape.join(', ')}]`,
      );
    }
  }
  const known = new Set(specs.map((s) => s.name));
  const extra = [...tensors.keys()].filter((n) => !known.has(n));
  if (extra.length)
    throw new CheckpointError(
      `checkpoint has ${extra.length} unexpected tensor${extra.length > 1 ? 's' : ''} for this config: ${listNames(extra)}`,
    );
}

/** Loads a Hugging Face T5 checkpoint; the tensors come back in paramSpecs order, as float32. */
export function readCheckpoint(safetensorsBytes: Uint8Array, configJson: string | object): Checkpoint {
  return checkpointFromTensors(fromHfConfig(configJson), parseSafetensors(safetensorsBytes));
}

/** Checks tensors read from any format (Hugging Face names) against the config; drops the tied aliases. */
export function checkpointFromTensors(config: T5Config, loaded: Map<string, TensorData>): Checkpoint {
  const tensors = new Map<string, TensorData>();
  for (const [name, t] of loaded) tensors.set(name, { shape: t.shape, data: t.data });
  if (!tensors.has('shared.weight')) {
    const alias = embeddingAliases.find((a) => tensors.has(a));
    if (alias) tensors.set('shared.weight', tensors.get(alias)!);
  }
  for (const alias of embeddingAliases) tensors.delete(alias);
  const lmHead = tensors.get('lm_head.weight');
  const shared = tensors.get('shared.weight');
  if (config.tieEmbeddings && lmHead && shared) {
    if (!sameValues(lmHead.data, shared.data)) {
      throw new CheckpointError(
        'lm_head.weight differs from shared.weight but config.json says tie_word_embeddings: true',
      );
    }
    tensors.delete('lm_head.weight');
  }
  checkAgainstSpecs(config, tensors);
  const ordered = new Map<string, TensorData>();
  for (const s of paramSpecs(config)) ordered.set(s.name, tensors.get(s.name)!);
  return { config, tensors: ordered };
}

/** Writes a checkpoint Hugging Face transformers loads with T5ForConditionalGeneration.from_pretrained. */
export function writeCheckpoint(
  config: T5Config,
  tensors: Map<string, TensorData>,
): { safetensors: Uint8Array; configJson: string } {
  checkAgainstSpecs(config, tensors);
  // transformers refuses safetensors files whose metadata does not name the framework.
  const safetensors = serializeSafetensors(tensors, { format: 'pt' });
  return { safetensors, configJson: JSON.stringify(toHfConfig(config), null, 2) + '\n' };
}

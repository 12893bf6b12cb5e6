// Real T5 checkpoints on the Hugging Face Hub that the page offers one click away, and an estimate of the memory one
// strategy's training needs, so the page can refuse a model this browser cannot train before Run. TF-free.
import { presetConfig, type T5Config } from './config';
import { paramCount } from './paramSpec';

export interface HubModel {
  id: string;
  /** The folder URL the worker downloads (config.json, the weights, the tokenizer). */
  url: string;
  config: T5Config;
  /** Size of the weights file the folder serves, for the download estimate. */
  downloadBytes: number;
}

const hub = (id: string) => `https://huggingface.co/${id}/resolve/main/`;

export const hubModels: readonly HubModel[] = [
  {
    id: 'google/t5-efficient-tiny',
    url: hub('google/t5-efficient-tiny'),
    config: presetConfig('t5-efficient-tiny'),
    downloadBytes: 62_600_000,
  },
  {
    id: 'google/t5-efficient-mini',
    url: hub('google/t5-efficient-mini'),
    config: {
      ...presetConfig('t5-efficient-tiny'),
      dModel: 384,
      dKv: 32,
      numHeads: 8,
      dFf: 1536,
      numLayers: 4,
      numDecoderLayers: 4,
    },
    downloadBytes: 125_000_000,
  },
  {
    id: 'google-t5/t5-small',
    url: hub('google-t5/t5-small'),
    config: presetConfig('t5-small'),
    downloadBytes: 242_000_000,
  },
  {
    id: 'google/flan-t5-small',
    url: hub('google/flan-t5-small'),
    config: presetConfig('flan-t5-small'),
    downloadBytes: 308_000_000,
  },
];

// Float32 copies of the whole model a strategy holds while it trains: weights, gradients and AdamW's two moments for
// full fine-tuning, plus what each strategy keeps (KIF: two importance averages and the previous model; EWC: the
// Fisher and the anchor; LwF and weight averaging: the previous model). LoRA strategies keep the base frozen (one
// copy, no gradients) and train small adapters.
const copies: Record<string, number> = {
  ewc: 6,
  lwf: 5,
  'weight-avg': 5,
  'kif-hard': 7,
  'kif-soft': 7,
  'kif-replay': 7,
  seqlora: 1.1,
  olora: 1.2,
  'kif-lora': 1.3,
};

/**
 * Bytes one strategy's training holds at its peak: model copies, plus activations kept for the backward pass (per
 * layer, the hidden states and FFN activations of every token, the attention maps) and the logits with their softmax
 * and gradient. An estimate within a factor of about two.
 */
export function trainingBytes(
  config: T5Config,
  strategy: string,
  batch: number,
  inLen: number,
  outLen: number,
): number {
  const model = 4 * paramCount(config) * (copies[strategy] ?? 4);
  const layers = config.numLayers + config.numDecoderLayers;
  const tokens = batch * (inLen + outLen);
  const hidden = tokens * (14 * config.dModel + 3 * config.dFf) * layers;
  const attention = 3 * batch * config.numHeads * (inLen * inLen + outLen * outLen + inLen * outLen) * layers;
  const logits = 3 * batch * outLen * config.vocabSize;
  return model + 4 * (hidden + attention + logits);
}

/** The memory a backend can give one run, in bytes: wasm's 32-bit heap, a GPU's share of the device memory. */
export function backendBudget(backend: string, deviceMemoryGiB: number | undefined): number {
  const device = (deviceMemoryGiB ?? 4) * 2 ** 30;
  return backend === 'wasm' ? Math.min(4 * 2 ** 30, device / 2) : device / 2;
}

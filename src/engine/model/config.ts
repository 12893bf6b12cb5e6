// T5 model configuration and the registry of built-in presets.
export type FfnKind = 'relu' | 'gated-gelu';

export interface T5Config {
  vocabSize: number;
  dModel: number;
  dKv: number;
  numHeads: number;
  dFf: number;
  numLayers: number; // encoder blocks
  numDecoderLayers: number;
  ffn: FfnKind; // relu: T5 v1.0; gated-gelu: T5 v1.1 / Flan-T5
  tieEmbeddings: boolean;
  relBuckets: number;
  relMaxDistance: number;
  layerNormEps: number;
  dropout: number;
}

const base = { relBuckets: 32, relMaxDistance: 128, layerNormEps: 1e-6, dropout: 0 };
const byteVocab = 259; // ByT5 ids: pad 0, eos 1, unk 2, byte b -> b + 3

export const presets: Record<string, T5Config> = {
  nano: {
    ...base,
    vocabSize: byteVocab,
    dModel: 64,
    dKv: 16,
    numHeads: 4,
    dFf: 256,
    numLayers: 2,
    numDecoderLayers: 2,
    ffn: 'relu',
    tieEmbeddings: true,
  },
  micro: {
    ...base,
    vocabSize: byteVocab,
    dModel: 128,
    dKv: 32,
    numHeads: 4,
    dFf: 512,
    numLayers: 3,
    numDecoderLayers: 3,
    ffn: 'relu',
    tieEmbeddings: true,
  },
  mini: {
    ...base,
    vocabSize: byteVocab,
    dModel: 256,
    dKv: 32,
    numHeads: 8,
    dFf: 1024,
    numLayers: 4,
    numDecoderLayers: 4,
    ffn: 'gated-gelu',
    tieEmbeddings: false,
  },
  // The shapes of Google's checkpoints (random weights here; a real checkpoint loads through io/).
  't5-efficient-tiny': {
    ...base,
    vocabSize: 32128,
    dModel: 256,
    dKv: 64,
    numHeads: 4,
    dFf: 1024,
    numLayers: 4,
    numDecoderLayers: 4,
    ffn: 'relu',
    tieEmbeddings: true,
  },
  't5-efficient-mini': {
    ...base,
    vocabSize: 32128,
    dModel: 384,
    dKv: 32,
    numHeads: 8,
    dFf: 1536,
    numLayers: 4,
    numDecoderLayers: 4,
    ffn: 'relu',
    tieEmbeddings: true,
  },
  't5-small': {
    ...base,
    vocabSize: 32128,
    dModel: 512,
    dKv: 64,
    numHeads: 8,
    dFf: 2048,
    numLayers: 6,
    numDecoderLayers: 6,
    ffn: 'relu',
    tieEmbeddings: true,
  },
  'flan-t5-small': {
    ...base,
    vocabSize: 32128,
    dModel: 512,
    dKv: 64,
    numHeads: 6,
    dFf: 1024,
    numLayers: 8,
    numDecoderLayers: 8,
    ffn: 'gated-gelu',
    tieEmbeddings: false,
  },
  // The reference shape of the engine benchmark (issue: d_model 64, 4x16 heads, d_ff 128, 2+2 layers, vocab 64).
  'bench-ref': {
    ...base,
    vocabSize: 64,
    dModel: 64,
    dKv: 16,
    numHeads: 4,
    dFf: 128,
    numLayers: 2,
    numDecoderLayers: 2,
    ffn: 'relu',
    tieEmbeddings: true,
  },
};

export function presetConfig(name: string): T5Config {
  const p = presets[name];
  if (!p) throw new Error(`unknown model preset "${name}"; known: ${Object.keys(presets).join(', ')}`);
  return { ...p };
}

/** Checks a user-edited config; returns a list of problems (empty when valid). */
export function configProblems(c: T5Config): string[] {
  const out: string[] = [];
  const posInt = [
    'vocabSize',
    'dModel',
    'dKv',
    'numHeads',
    'dFf',
    'numLayers',
    'numDecoderLayers',
    'relBuckets',
    'relMaxDistance',
  ] as const;
  for (const k of posInt) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1 || v > 1_000_000) out.push(`${k} must be a positive integer (got ${String(v)})`);
  }
  if (c.ffn !== 'relu' && c.ffn !== 'gated-gelu') out.push(`ffn must be "relu" or "gated-gelu" (got ${String(c.ffn)})`);
  if (typeof c.tieEmbeddings !== 'boolean') out.push('tieEmbeddings must be true or false');
  if (!(c.layerNormEps > 0 && c.layerNormEps < 1))
    out.push(`layerNormEps must be in (0, 1) (got ${String(c.layerNormEps)})`);
  if (!(c.dropout >= 0 && c.dropout < 1)) out.push(`dropout must be in [0, 1) (got ${String(c.dropout)})`);
  return out;
}

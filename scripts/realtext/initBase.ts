// Writes config.json + model.safetensors of a nano-shaped T5 whose vocabulary is an spiece.model's pieces plus T5's
// 100 sentinels, with the engine's seeded initialization (the weights a run "from scratch" would start from), beside
// the spiece.model in DIR. Usage: npx tsx scripts/realtext/initBase.ts DIR [dModel] [layers] [seed]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCheckpoint } from '../../src/engine/io/checkpoint';
import { presets } from '../../src/engine/model/config';
import { initWeights } from '../../src/engine/model/init';
import { spieceToTokenizerJson } from '../../src/engine/tokenizers/sentencepiece';

const [dir, d = '64', layers = '2', seed = '0'] = process.argv.slice(2);
if (!dir) throw new Error('usage: initBase.ts DIR [dModel] [layers] [seed]');
const sp = spieceToTokenizerJson(new Uint8Array(readFileSync(join(dir, 'spiece.model'))));
const vocabSize = (sp.json.model as { vocab: unknown[] }).vocab.length; // the pieces and the sentinels
const dModel = Number(d);
const config = {
  ...presets.nano,
  vocabSize,
  dModel,
  dFf: 4 * dModel,
  dKv: dModel / 4,
  numLayers: Number(layers),
  numDecoderLayers: Number(layers),
};
const { safetensors, configJson } = writeCheckpoint(config, initWeights(config, Number(seed)));
writeFileSync(join(dir, 'model.safetensors'), safetensors);
writeFileSync(join(dir, 'config.json'), configJson);
console.log(JSON.stringify({ dir, config }));

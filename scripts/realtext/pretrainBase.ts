// Pretrains the real-text base: the engine's own runner trains the model in INIT_DIR (config.json, model.safetensors,
// spiece.model) on DATA_DIR/wordnet.{train,test}.json (wordnet_tasks.py: WordNet definitions → supersense) with
// sequential fine-tuning, and OUT_DIR gets the trained weights beside the same config and spiece.model, the loss
// curve and the held-out score. Usage:
//   npx tsx scripts/realtext/pretrainBase.ts INIT_DIR DATA_DIR OUT_DIR STEPS LR BATCH IN_LEN [TRAIN_SIZE]
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpointSource } from '../../src/cli/checkpointSource';
import { startBackend } from '../../src/cli/nodeBackend';
import { datasetFromSplitFiles } from '../../src/engine/data/splitFiles';
import { runExperiment } from '../../src/engine/experiment/runner';
import { writeCheckpoint } from '../../src/engine/io/checkpoint';
import type { HostTensors } from '../../src/engine/model/init';
import { parseSpec } from '../../src/engine/spec/experiment';
import { checkpointTokenizerSpec } from '../../src/engine/tokenizers/runTokenizer';

const [init, data, out, steps, lr, batch, inLen, trainSize = '20000'] = process.argv.slice(2);
if (!inLen) throw new Error('usage: pretrainBase.ts INIT_DIR DATA_DIR OUT_DIR STEPS LR BATCH IN_LEN [TRAIN_SIZE]');
const parsed = parseSpec({
  version: 1,
  name: 'real-text base: WordNet supersenses',
  model: { checkpoint: init },
  init: 'pretrained',
  seed: 0,
  tasks: [{ task: { dataset: 'wordnet' }, steps: Number(steps), trainSize: Number(trainSize), testSize: 300 }],
  strategies: [{ name: 'seqft' }],
  training: {
    lr: Number(lr),
    warmupSteps: 20,
    weightDecay: 0.01,
    batchSize: Number(batch),
    clipNorm: 1,
    maxInputLen: Number(inLen),
    maxOutputLen: 6,
    evalEvery: 0,
  },
});
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const file = (split: string) => ({
  name: `wordnet.${split}.json`,
  text: readFileSync(join(data, `wordnet.${split}.json`), 'utf8'),
});
const wordnet = datasetFromSplitFiles(join(data, 'wordnet'), file('train'), file('test'));
const m = await loadCheckpointSource(init);
await startBackend('wasm');
const t0 = performance.now();
let weights: HostTensors | undefined;
const results = await runExperiment(
  parsed.spec,
  {
    onModel: async (at, model) => {
      if (at.stage === 'final') weights = await model.exportWeights();
    },
    onEvent: (e) => {
      if (e.type === 'eval-row') console.error(`eval row ${e.row}: ${e.scores.map((s) => s.toFixed(1)).join(' / ')}`);
      if (e.type === 'step' && e.step % 100 === 0) console.error(`step ${e.step}: loss ${e.loss.toFixed(3)}`);
    },
  },
  {
    datasets: (id) => (id === 'wordnet' ? wordnet : undefined),
    checkpoint: { config: m.config, weights: m.tensors },
    tokenizer: checkpointTokenizerSpec(m.tokenizer!, init),
  },
);
if (!weights) throw new Error('the run gave no final model');
mkdirSync(out, { recursive: true });
const { safetensors, configJson } = writeCheckpoint(m.config, weights);
writeFileSync(join(out, 'model.safetensors'), safetensors);
writeFileSync(join(out, 'config.json'), configJson);
copyFileSync(join(init, 'spiece.model'), join(out, 'spiece.model'));
const curve = results.strategies[0].losses?.[0];
writeFileSync(
  join(out, 'loss.csv'),
  'step,loss\n' + (curve ? curve.steps.map((s, i) => `${s},${curve.losses[i].toFixed(5)}`).join('\n') : '') + '\n',
);
const held = results.strategies[0].matrix[1][0];
console.log(
  JSON.stringify({
    out,
    steps: Number(steps),
    seconds: Math.round((performance.now() - t0) / 1000),
    heldOutExactMatch: held,
    majority: results.tasks[0].majorityScore,
  }),
);

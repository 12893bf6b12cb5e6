// `convert PATH_OR_URL --out DIR`: any checkpoint folder the engine reads, written as model.safetensors (float32) +
// config.json (+ tokenizer.json when the source has a tokenizer, spiece.model converted), which Hugging Face's
// from_pretrained loads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringFlag, UsageError } from '../args';
import { loadCheckpointSource } from '../checkpointSource';
import { writeCheckpoint } from '../../engine/io/checkpoint';
import { registerCommand } from './registry';

registerCommand({
  name: 'convert',
  summary: 'write a checkpoint folder as model.safetensors + config.json (+ tokenizer.json) for Hugging Face',
  usage: 'convert PATH_OR_URL --out DIR',
  async run(args) {
    const [source] = args.positionals;
    if (!source) throw new UsageError('convert needs a checkpoint folder or URL: convert PATH_OR_URL --out DIR');
    const out = stringFlag(args, 'out');
    const m = await loadCheckpointSource(source);
    const files = writeCheckpoint(m.config, m.tensors);
    // The source's other config keys (task_specific_params, n_positions, ...) are kept; the model's own are rewritten.
    const config = { ...m.rawConfig, ...JSON.parse(files.configJson) };
    const sorted = Object.fromEntries(
      Object.keys(config)
        .sort()
        .map((k) => [k, config[k]]),
    );
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'model.safetensors'), files.safetensors);
    writeFileSync(join(out, 'config.json'), JSON.stringify(sorted, null, 2) + '\n');
    const written = ['model.safetensors', 'config.json'];
    if (m.tokenizer) {
      writeFileSync(join(out, 'tokenizer.json'), JSON.stringify(m.tokenizer.json) + '\n');
      written.push(`tokenizer.json (from ${m.tokenizer.kind})`);
    }
    console.error(`${source} (${m.format}, ${m.params} parameters) written to ${out}: ${written.join(', ')}`);
  },
});

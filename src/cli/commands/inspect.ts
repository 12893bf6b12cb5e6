// `inspect PATH_OR_URL`: one JSON line saying what a checkpoint folder holds (weights format, parameter count, its
// config.json, its tokenizer), after reading and checking all of it.
import { UsageError } from '../args';
import { loadCheckpointSource } from '../checkpointSource';
import { registerCommand } from './registry';

registerCommand({
  name: 'inspect',
  summary:
    'read a checkpoint folder (safetensors, sharded, pytorch_model.bin; tokenizer.json or spiece.model) and print one JSON line about it',
  usage: 'inspect PATH_OR_URL',
  async run(args) {
    const [source] = args.positionals;
    if (!source) throw new UsageError('inspect needs a checkpoint folder or URL: inspect PATH_OR_URL');
    const m = await loadCheckpointSource(source);
    const tokenizer = m.tokenizer ? { kind: m.tokenizer.kind, vocabSize: m.tokenizer.tokenizer.vocabSize } : null;
    console.log(JSON.stringify({ format: m.format, params: m.params, config: m.rawConfig, tokenizer }));
  },
});

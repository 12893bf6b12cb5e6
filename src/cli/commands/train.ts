// `train`: one built-in task from scratch, one JSON line per evaluation.
import { intFlag, numberFlag, stringFlag } from '../args';
import { startBackend } from '../nodeBackend';
import { runQuickTrain } from '../../engine/demo/quickTrain';
import { registerCommand } from './registry';
import { paperTrainingDefaults, PAPER_SEED } from '../../engine/spec/experiment';

registerCommand({
  name: 'train',
  summary: 'train a preset from scratch on one built-in task, printing a JSON line per evaluation',
  usage:
    'train --preset nano --task reverse --steps 1200 --seed 0 [--eval-every 240] [--batch 64] [--lr 0.005] [--max-len 8] [--train-size 20000] [--warmup N] [--weight-decay 0.01] [--clip 1] [--paper-defaults] [--backend wasm]',
  async run(args) {
    // --paper-defaults: the reference code's settings (KIF.md §5) as the defaults; explicit flags still win.
    const paper = args.flags.get('paper-defaults') === true;
    const d = paper
      ? {
          lr: paperTrainingDefaults.lr,
          batch: paperTrainingDefaults.batchSize,
          seed: PAPER_SEED,
          warmup: paperTrainingDefaults.warmupSteps,
          decay: paperTrainingDefaults.weightDecay,
          clip: paperTrainingDefaults.clipNorm,
        }
      : { lr: 5e-3, batch: 64, seed: 0, warmup: undefined, decay: 0.01, clip: 1 };
    const steps = intFlag(args, 'steps', 1200, 1, 1_000_000);
    // Every flag is read (and checked) before the backend starts: a bad value costs nothing.
    const options = {
      preset: stringFlag(args, 'preset', 'nano'),
      task: stringFlag(args, 'task', 'reverse'),
      steps,
      seed: intFlag(args, 'seed', d.seed),
      evalEvery: intFlag(args, 'eval-every', Math.max(1, Math.floor(steps / 5)), 1),
      batchSize: intFlag(args, 'batch', d.batch, 1, 4096),
      lr: numberFlag(args, 'lr', d.lr, 0, 10),
      warmupSteps:
        args.flags.has('warmup') || d.warmup !== undefined
          ? intFlag(args, 'warmup', d.warmup ?? 0, 0, 1_000_000)
          : undefined,
      weightDecay: numberFlag(args, 'weight-decay', d.decay, 0, 1),
      clipNorm: numberFlag(args, 'clip', d.clip, 0, 1e6),
      maxLen: intFlag(args, 'max-len', 8, 3, 32),
      trainSize: intFlag(args, 'train-size', 20000, 1, 1_000_000),
    };
    const backend = await startBackend(stringFlag(args, 'backend', 'wasm'));
    const t0 = performance.now();
    const final = await runQuickTrain(options, {
      onEval: (e) =>
        console.log(
          JSON.stringify({
            step: e.step,
            loss: round(e.loss),
            exactMatch: round(e.exactMatch),
            backend,
            seconds: round((performance.now() - t0) / 1000),
          }),
        ),
    });
    console.error(
      `final exact match ${final.exactMatch.toFixed(1)}% after ${final.step} steps; e.g. ${JSON.stringify(final.samples[0])}`,
    );
  },
});

const round = (x: number) => Math.round(x * 1e4) / 1e4;

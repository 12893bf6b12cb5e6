// `pretrain`: builds a base model on the pretraining mixture (src/engine/pretrain/). Writes a Hugging Face checkpoint
// (model.safetensors + config.json), the loss curve (loss.csv) and a model card (README.md) to --out; while it runs it
// keeps its state in --out/resume/, so running the same command again after an interruption continues where it stopped.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { intFlag, numberFlag, stringFlag, UsageError, type Args } from '../args';
import { startBackend } from '../nodeBackend';
import { writeCheckpoint } from '../../engine/io/checkpoint';
import { parseSafetensors, serializeSafetensors } from '../../engine/io/safetensors';
import { presetConfig } from '../../engine/model/config';
import { mixtureDefaults } from '../../engine/pretrain/mixture';
import { pretrain, skillScores, type PretrainSettings, type PretrainState } from '../../engine/pretrain/pretrain';
import { t5SpanDefaults } from '../../engine/pretrain/spanCorruption';
import { createByteTokenizer } from '../../engine/tokenizers/byteTokenizer';
import { registerCommand } from './registry';

function settingsFrom(args: Args): PretrainSettings {
  return {
    steps: intFlag(args, 'steps', 6000, 1, 10_000_000),
    seed: intFlag(args, 'seed', 0, 0, 0xffffffff),
    batchSize: intFlag(args, 'batch', 32, 1, 4096),
    lr: numberFlag(args, 'lr', 2e-3, 0, 1),
    warmupSteps: intFlag(args, 'warmup', 200, 0, 1_000_000),
    weightDecay: numberFlag(args, 'weight-decay', 0.01, 0, 1),
    clipNorm: numberFlag(args, 'clip', 1, 0, 1e6),
    inLen: 24,
    outLen: 16,
    mixture: { ...mixtureDefaults, spanShare: numberFlag(args, 'span-share', mixtureDefaults.spanShare, 0, 1) },
  };
}

interface SavedState {
  preset: string;
  settings: PretrainSettings;
  step: number;
  losses: [number, number][];
  seconds: number;
  optimizer: { t: number; names: string[] } | null;
}

/** A saved step's tensor files carry its step, so a later step's files never overwrite the ones state.json names. */
const tensorFile = (kind: 'weights' | 'optimizer', step: number) => `${kind}-${step}.safetensors`;

/**
 * Saves a resumable state so that an interruption at any moment leaves a complete one: the step's tensor files under
 * new names, then state.json replaced by a rename (atomic), then the earlier step's files removed.
 */
function saveResume(dir: string, preset: string, settings: PretrainSettings, st: PretrainState) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, tensorFile('weights', st.step)), serializeSafetensors(st.weights));
  if (st.optimizer) {
    const n = st.optimizer.m.length;
    writeFileSync(
      join(dir, tensorFile('optimizer', st.step)),
      serializeSafetensors(
        new Map([
          ['m', { shape: [n], data: st.optimizer.m }],
          ['v', { shape: [n], data: st.optimizer.v }],
        ]),
      ),
    );
  }
  const saved: SavedState = {
    preset,
    settings,
    step: st.step,
    losses: st.losses,
    seconds: st.seconds,
    optimizer: st.optimizer && { t: st.optimizer.t, names: st.optimizer.names },
  };
  writeFileSync(join(dir, 'state.json.partial'), JSON.stringify(saved));
  renameSync(join(dir, 'state.json.partial'), join(dir, 'state.json'));
  const keep = new Set([tensorFile('weights', st.step), tensorFile('optimizer', st.step)]);
  for (const f of readdirSync(dir)) if (f.endsWith('.safetensors') && !keep.has(f)) rmSync(join(dir, f));
}

function loadResume(dir: string, preset: string, settings: PretrainSettings): PretrainState | undefined {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return undefined;
  const damaged = (why: string) => new UsageError(`${file} is damaged (${why}); delete ${dir} to start over`);
  let saved: SavedState;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  } catch (e) {
    throw damaged(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof saved !== 'object' || saved === null) throw damaged('not an object');
  if (!Number.isInteger(saved.step) || saved.step < 0) throw damaged(`"step" is ${JSON.stringify(saved.step)}`);
  if (!Array.isArray(saved.losses) || typeof saved.seconds !== 'number') throw damaged('"losses" or "seconds" missing');
  if (saved.preset !== preset || JSON.stringify(saved.settings) !== JSON.stringify(settings)) {
    throw new UsageError(
      `${dir} holds an interrupted run with other settings (preset ${saved.preset}, ${JSON.stringify(saved.settings)}); use another --out, or delete ${dir} to start over`,
    );
  }
  const read = (kind: 'weights' | 'optimizer') => {
    const path = join(dir, tensorFile(kind, saved.step));
    if (!existsSync(path)) throw damaged(`${tensorFile(kind, saved.step)} is missing`);
    return parseSafetensors(readFileSync(path));
  };
  const weights = read('weights');
  let optimizer: PretrainState['optimizer'] = null;
  if (saved.optimizer) {
    const o = read('optimizer');
    const [m, v] = [o.get('m'), o.get('v')];
    if (!m || !v) throw damaged(`${tensorFile('optimizer', saved.step)} lacks "m" or "v"`);
    optimizer = { ...saved.optimizer, m: m.data, v: v.data };
  }
  return { step: saved.step, weights, optimizer, losses: saved.losses, seconds: saved.seconds };
}

function modelCard(o: {
  preset: string;
  s: PretrainSettings;
  st: PretrainState;
  scores: Record<string, number>;
  command: string;
  backend: string;
  params: number;
}) {
  const last = o.st.losses.at(-1)?.[1];
  const rows = Object.entries(o.scores)
    .map(([t, v]) => `| ${t} | ${v.toFixed(1)} |`)
    .join('\n');
  return `# ${o.preset}-base: a pretrained base for the KIF playground

A ${o.preset} T5 (${o.params.toLocaleString('en-US')} parameters, byte vocabulary with ByT5 ids) pretrained so that continual
fine-tuning starts, as in the KIF paper, from a model that already holds skills: each task then moves the weights a
little and old and new models stay in one basin, which weight fusion needs (KIF.md §9).

- **Objective:** T5 span corruption with ByT5 sentinels (last byte ids: sentinel k = id ${258} − k; noise density
  ${t5SpanDefaults.noiseDensity}, mean span ${t5SpanDefaults.meanSpan}) on ${Math.round(o.s.mixture.spanShare * 100)}% of rows, over text drawn from the tasks below;
  the other rows are instruction tasks with their keyword prefix.
- **Data:** generated on the fly from the seed, step by step (${o.s.batchSize} rows a step, letter strings of 3–${o.s.mixture.maxLen}):
  ${o.s.mixture.tasks.join(', ')}. The built-in demos use only tasks outside this list (checked by a test).
- **Training:** ${o.st.step} steps, AdamW lr ${o.s.lr}, ${o.s.warmupSteps} warm-up steps then linear decay, weight decay ${o.s.weightDecay},
  clipping ${o.s.clipNorm}, seed ${o.s.seed}, batch lengths ${o.s.inLen}/${o.s.outLen}; backend ${o.backend}.
- **Final loss:** ${last?.toFixed(4) ?? 'n/a'} (mean of the last logged window; the whole curve is in loss.csv).
- **Wall time:** ${Math.round(o.st.seconds)} s on the machine that made it.
- **Reproduce:** \`${o.command}\`

## Exact match on held-out examples of the mixture's tasks

| task | exact match (%) |
|---|---|
${rows}
`;
}

registerCommand({
  name: 'pretrain',
  summary:
    'pretrain a base model (span corruption + an instruction mixture); resumable; writes a HF checkpoint and a model card',
  usage:
    'pretrain --preset nano --steps 6000 --out DIR [--seed 0] [--batch 32] [--lr 0.002] [--warmup 200] [--weight-decay 0.01] [--clip 1] [--span-share 0.3] [--checkpoint-every 500] [--backend wasm]',
  async run(args) {
    const preset = stringFlag(args, 'preset', 'nano');
    let config;
    try {
      config = presetConfig(preset);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const out = stringFlag(args, 'out');
    const settings = settingsFrom(args);
    const checkpointEvery = intFlag(args, 'checkpoint-every', 500, 1);
    const backend = await startBackend(stringFlag(args, 'backend', 'wasm'));
    const tok = createByteTokenizer();
    if (config.vocabSize < tok.vocabSize)
      throw new UsageError(
        `preset ${preset} has ${config.vocabSize} ids, fewer than the byte tokenizer's ${tok.vocabSize}`,
      );
    const resumeDir = join(out, 'resume');
    const from = loadResume(resumeDir, preset, settings);
    if (from) console.error(`resuming from step ${from.step} of ${settings.steps} (${resumeDir})`);
    const t0 = performance.now();
    const startStep = from?.step ?? 0;
    const st = await pretrain(
      config,
      tok,
      settings,
      {
        onProgress(step, loss) {
          const rate = (step - startStep) / ((performance.now() - t0) / 1000);
          console.error(
            `step ${step}/${settings.steps}  loss ${loss.toFixed(4)}  ${rate.toFixed(1)} steps/s  ~${Math.round((settings.steps - step) / rate)} s left`,
          );
        },
        logEvery: 50,
        checkpointEvery,
        onCheckpoint: (s) => saveResume(resumeDir, preset, settings, s),
      },
      from,
    );
    const { safetensors, configJson } = writeCheckpoint(config, st.weights);
    writeFileSync(join(out, 'model.safetensors'), safetensors);
    writeFileSync(join(out, 'config.json'), configJson);
    writeFileSync(
      join(out, 'loss.csv'),
      'step,loss\n' + st.losses.map(([s, l]) => `${s},${l.toFixed(5)}`).join('\n') + '\n',
    );
    const scores = await skillScores(config, st.weights, tok, settings);
    const command = `npm run cli -- pretrain ${process.argv.slice(3).join(' ')}`;
    const params = [...st.weights.values()].reduce((a, t) => a + t.data.length, 0);
    writeFileSync(join(out, 'README.md'), modelCard({ preset, s: settings, st, scores, command, backend, params }));
    rmSync(resumeDir, { recursive: true, force: true });
    console.log(
      JSON.stringify({
        out,
        steps: st.step,
        finalLoss: st.losses.at(-1)?.[1],
        seconds: Math.round(st.seconds),
        skills: scores,
      }),
    );
  },
});

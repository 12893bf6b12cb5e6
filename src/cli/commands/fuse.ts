// `fuse`: KIF fusion of two Hugging Face checkpoints offline (KIF.md §3), from two unit-score files.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { numberFlag, outFileFlag, stringFlag, UsageError, type Args } from '../args';
import { fusionDefaults, fusionRules, planFusion, applyFusionHost, type FusionRule } from '../../engine/kif/fusion';
import { buildUnits, defaultNeuronBlock, granularities } from '../../engine/kif/units';
import { paramSpecs } from '../../engine/model/paramSpec';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../../engine/io/checkpoint';
import { registerCommand } from './registry';
import { readJsonFile, writeJson } from './run';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A checkpoint with its config.json: --config, else config.json in the same folder. */
function loadCheckpoint(path: string, configPath: string | undefined): Checkpoint {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file`);
  const config = configPath ?? join(dirname(path), 'config.json');
  if (!existsSync(config)) throw new UsageError(`${path}: no config.json beside it (looked for ${config}); give one with --config CONFIG.json`);
  try {
    // A plain Uint8Array copy: Node's Buffer.slice() shares memory, which the safetensors reader's copies rely on not doing.
    return readCheckpoint(new Uint8Array(readFileSync(path)), readFileSync(config, 'utf8'));
  } catch (e) {
    throw new UsageError(`${path}: ${message(e)}`);
  }
}

/** A score file: a JSON object from unit name to a finite number. */
function loadScores(path: string): Map<string, number> {
  const json = readJsonFile(path, 'scores');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`scores ${path}: must be a JSON object from unit name to score`);
  const out = new Map<string, number>();
  for (const [unit, v] of Object.entries(json)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`scores ${path}: unit "${unit}" has score ${JSON.stringify(v)}, not a finite number`);
    out.set(unit, v);
  }
  if (out.size === 0) throw new UsageError(`scores ${path}: has no units`);
  return out;
}

const ruleFlags: Record<FusionRule['kind'], (args: Args) => FusionRule> = {
  hard: (a) => ({ kind: 'hard', gamma: numberFlag(a, 'gamma', fusionDefaults.hard.gamma, 0, 1), topPercent: numberFlag(a, 'top', fusionDefaults.hard.topPercent, 0, 100) }),
  soft: (a) => ({ kind: 'soft', tau: numberFlag(a, 'tau', fusionDefaults.soft.tau, Number.MIN_VALUE, 1e6) }),
};

registerCommand({
  name: 'fuse',
  summary: 'fuse two checkpoints unit by unit from their importance scores (KIF hard or soft rule); writes the fused checkpoint and the accumulated scores',
  usage:
    'fuse --prev A.safetensors --cur B.safetensors --prev-scores A.json --cur-scores B.json --rule hard|soft [--gamma 0.7 --top 20 | --tau 0.25] ' +
    '[--beta 0.7] [--units tensor|head-neuron] [--block 16] [--config CONFIG.json] --out FUSED.safetensors --out-scores ACC.json',
  async run(args) {
    const ruleName = stringFlag(args, 'rule');
    if (!Object.hasOwn(ruleFlags, ruleName)) throw new UsageError(`--rule must be ${Object.keys(fusionRules).join(' or ')} (got ${ruleName})`);
    const rule = ruleFlags[ruleName as FusionRule['kind']](args);
    const beta = numberFlag(args, 'beta', fusionDefaults.accumulateBeta, 0, 1);
    const granularity = stringFlag(args, 'units', 'tensor');
    if (!Object.hasOwn(granularities, granularity)) throw new UsageError(`--units must be one of ${Object.keys(granularities).join(', ')} (got ${granularity})`);
    const out = outFileFlag(args, 'out', 'fused.safetensors');
    const outScores = outFileFlag(args, 'out-scores', 'scores.json');
    const configPath = args.flags.has('config') ? stringFlag(args, 'config') : undefined;
    const prevPath = stringFlag(args, 'prev');
    const curPath = stringFlag(args, 'cur');
    const prev = loadCheckpoint(prevPath, configPath);
    const cur = loadCheckpoint(curPath, configPath);
    if (JSON.stringify(prev.config) !== JSON.stringify(cur.config)) {
      const diff = (Object.keys(prev.config) as (keyof typeof prev.config)[]).filter((k) => prev.config[k] !== cur.config[k]);
      throw new UsageError(`${prevPath} and ${curPath} are different models: ${diff.map((k) => `${k} ${prev.config[k]} vs ${cur.config[k]}`).join(', ')}`);
    }
    const config = cur.config;
    const units = buildUnits(granularity, paramSpecs(config), { numHeads: config.numHeads, neuronBlock: Math.round(numberFlag(args, 'block', defaultNeuronBlock, 1, 1e6)) });
    const known = new Set(units.map((u) => u.name));
    const scores = { prev: loadScores(stringFlag(args, 'prev-scores')), cur: loadScores(stringFlag(args, 'cur-scores')) };
    for (const side of ['prev', 'cur'] as const) {
      const unknown = [...scores[side].keys()].filter((u) => !known.has(u));
      if (unknown.length) {
        throw new UsageError(
          `--${side}-scores names ${unknown.length} unit(s) this model does not have with --units ${granularity}: ${unknown.slice(0, 5).join(', ')}` +
            (unknown.some((u) => u.includes('#')) && granularity === 'tensor' ? ' (head / neuron-block units: pass --units head-neuron)' : ''),
        );
      }
    }
    let plan;
    try {
      plan = planFusion(scores.prev, scores.cur, rule, beta);
    } catch (e) {
      throw new UsageError(`${message(e)} (the two score files must list the same units)`);
    }
    const fused = applyFusionHost(prev.tensors, cur.tensors, units, plan.coeffs);
    const written = writeCheckpoint(config, fused);
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, written.safetensors);
    writeFileSync(join(dirname(out), 'config.json'), written.configJson);
    writeJson(outScores, Object.fromEntries(plan.accumulated));
    const uncovered = units.length - plan.coeffs.size;
    const counts = [...plan.cases.values()].reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    const prevShare = [...plan.coeffs.values()].map((c) => c.prev);
    console.log(
      `fused ${plan.coeffs.size} units (${rule.kind} rule)` +
        (plan.cases.size ? `: ${Object.entries(counts).map(([c, n]) => `${n} ${c}`).join(', ')}; thresholds prev ${plan.thresholds!.prev.toFixed(4)}, cur ${plan.thresholds!.cur.toFixed(4)}` : `: earlier model's share ${Math.min(...prevShare).toFixed(3)}..${Math.max(...prevShare).toFixed(3)}`) +
        (uncovered ? `; ${uncovered} unscored units taken from --cur` : ''),
    );
    console.error(`wrote ${out} (+ config.json beside it) and ${outScores}`);
  },
});

// `fuse`: fusion of Hugging Face checkpoints offline: KIF's rules merge two checkpoints from their unit-score files
// (KIF.md §3); the model-merging rules merge N checkpoints' task vectors against a base (taskVectors.ts).
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { numberFlag, outFileFlag, stringFlag, UsageError, type Args } from '../args';
import { planFusion, applyFusionHost, mergeWithRule, unitKindsOf, type ScoreRule } from '../../engine/kif/fusion';
import { resolveWhatIf, whatIfKnobDefs } from '../../engine/experiment/whatIfKnobs';
import { paperNote, type KnobDef } from '../../engine/strategies/knobs';
import {
  fusionRuleInfo,
  fusionRuleNames,
  isFusionRuleName,
  isTaskVectorRule,
  ruleFromKnobs,
  type FusionRule,
  type FusionRuleName,
  type TaskVectorRuleName,
} from '../../engine/kif/fusionRuleKnobs';
import { MergeInputError, unitShares } from '../../engine/kif/taskVectors';
import { unitInfoFromName } from '../../engine/kif/unitNames';
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
  if (!existsSync(config))
    throw new UsageError(
      `${path}: no config.json beside it (looked for ${config}); give one with --config CONFIG.json`,
    );
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
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new UsageError(`scores ${path}: must be a JSON object from unit name to score`);
  const out = new Map<string, number>();
  for (const [unit, v] of Object.entries(json)) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new UsageError(`scores ${path}: unit "${unit}" has score ${JSON.stringify(v)}, not a finite number`);
    out.set(unit, v);
  }
  if (out.size === 0) throw new UsageError(`scores ${path}: has no units`);
  return out;
}

/** Every rule's knob flags (KIF's rules with β), from the knob tables: flag, bounds, default, paper value, help. */
const ruleKnobs = (rule: FusionRuleName) => Object.entries(whatIfKnobDefs(rule));
const flagOf = (knob: string, def: KnobDef) => def.flag ?? knob;
const knobFlags = new Map(fusionRuleNames.flatMap((r) => ruleKnobs(r).map(([k, d]) => [k, flagOf(k, d)] as const)));

/** The knob flags of every rule with their meaning, default and the paper's value, for the usage text. */
const knobHelp = fusionRuleNames
  .flatMap((rule) =>
    ruleKnobs(rule).map(([knob, def]) => {
      const paper = paperNote(def);
      return `    --rule ${rule} --${flagOf(knob, def)}: ${def.help} (default ${def.default}${paper ? `, ${paper}` : ''})`;
    }),
  )
  .join('\n');

/** The rule and β the flags give, checked by the table (resolveWhatIf: the what-if panel's path too). */
function ruleFromFlags<K extends FusionRuleName>(
  kind: K,
  args: Args,
): { rule: Extract<FusionRule, { kind: K }>; beta: number } {
  const defs = whatIfKnobDefs(kind);
  const given: Record<string, string | number> = {};
  for (const [knob, flag] of knobFlags) {
    if (!args.flags.has(flag)) continue;
    if (!Object.hasOwn(defs, knob)) {
      const own = Object.entries(defs).map(([k, d]) => `--${flagOf(k, d)}`);
      throw new UsageError(
        `--${flag} does not apply to --rule ${kind} (${own.length ? `its flags: ${own.join(', ')}` : 'it has no knobs'})`,
      );
    }
    const raw = stringFlag(args, flag);
    given[knob] = defs[knob].kind === 'choice' ? raw : raw.trim() === '' ? NaN : Number(raw);
  }
  const r = resolveWhatIf({ rule: kind, knobs: given });
  if (!r.ok)
    throw new UsageError(
      r.problems
        .map((p) =>
          p.replace(/^(\S+): (\w+): /, (_m, rule, knob) => `--${knobFlags.get(knob) ?? knob} (${rule} ${knob}) `),
        )
        .join('; '),
    );
  return { rule: r.rule as Extract<FusionRule, { kind: K }>, beta: r.beta };
}

const list = (args: Args, flag: string) =>
  stringFlag(args, flag)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The new form: N checkpoints' task vectors against a base, merged with a model-merging rule. */
function mergeCheckpoints(kind: TaskVectorRuleName, args: Args): void {
  for (const flag of ['prev', 'cur', 'prev-scores', 'cur-scores']) {
    if (args.flags.has(flag))
      throw new UsageError(
        `--${flag} belongs to the KIF rules (hard, soft); --rule ${kind} takes --base BASE.safetensors --models A.safetensors,B.safetensors`,
      );
  }
  const { rule } = ruleFromFlags(kind, args);
  const out = outFileFlag(args, 'out', 'fused.safetensors');
  const configPath = args.flags.has('config') ? stringFlag(args, 'config') : undefined;
  const basePath = stringFlag(args, 'base');
  const modelPaths = list(args, 'models');
  if (modelPaths.length === 0) throw new UsageError('--models needs at least one checkpoint (comma-separated)');
  const base = loadCheckpoint(basePath, configPath);
  const models = modelPaths.map((p) => loadCheckpoint(p, configPath));
  models.forEach((m, i) => {
    if (JSON.stringify(m.config) !== JSON.stringify(base.config)) {
      const diff = (Object.keys(base.config) as (keyof typeof base.config)[]).filter(
        (k) => base.config[k] !== m.config[k],
      );
      throw new UsageError(
        `${modelPaths[i]} is another model than the base ${basePath}: ${diff.map((k) => `${k} ${m.config[k]} vs ${base.config[k]}`).join(', ')}`,
      );
    }
  });
  let fishers;
  if (kind === 'fisher') {
    if (!args.flags.has('fisher'))
      throw new UsageError(
        '--rule fisher needs --fisher A.fisher.safetensors,… (one diagonal Fisher per model, in the order of --models)',
      );
    const paths = list(args, 'fisher');
    if (paths.length !== modelPaths.length)
      throw new UsageError(
        `--fisher lists ${paths.length} file(s) for ${modelPaths.length} model(s): give one per model, in the same order`,
      );
    // A Fisher file's config.json: --config, else the one beside it, else the one beside its model.
    const configFor = (p: string, i: number) =>
      configPath ??
      (existsSync(join(dirname(p), 'config.json')) ? undefined : join(dirname(modelPaths[i]), 'config.json'));
    fishers = paths.map((p, i) => loadCheckpoint(p, configFor(p, i)).tensors);
  } else if (args.flags.has('fisher')) {
    throw new UsageError(`--fisher belongs to --rule fisher (got --rule ${kind})`);
  }
  let merged;
  try {
    merged = mergeWithRule(
      { base: base.tensors, models: models.map((m) => m.tensors), fishers, names: modelPaths },
      rule,
    );
  } catch (e) {
    if (e instanceof MergeInputError) throw new UsageError(e.message);
    throw e;
  }
  for (const w of merged.warnings) console.error(`warning: ${w}`);
  const written = writeCheckpoint(base.config, merged.weights);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, written.safetensors);
  writeFileSync(join(dirname(out), 'config.json'), written.configJson);
  const granularity = stringFlag(args, 'units', 'tensor');
  if (!Object.hasOwn(granularities, granularity))
    throw new UsageError(`--units must be one of ${Object.keys(granularities).join(', ')} (got ${granularity})`);
  const units = buildUnits(granularity, paramSpecs(base.config), {
    numHeads: base.config.numHeads,
    neuronBlock: Math.round(numberFlag(args, 'block', defaultNeuronBlock, 1, 1e6)),
  });
  const shares = unitShares(units, merged);
  if (args.flags.has('out-shares')) writeJson(stringFlag(args, 'out-shares'), Object.fromEntries(shares));
  const mean = modelPaths.map((_, t) => [...shares.values()].reduce((a, s) => a + s[t], 0) / shares.size);
  const knobs = Object.entries(rule)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `merged ${modelPaths.length} model(s) against the base (${kind} rule${knobs ? `: ${knobs}` : ''}); mean share of each model over ${units.length} units: ${mean.map((m) => m.toFixed(3)).join(' / ')}`,
  );
  console.error(
    `wrote ${out} (+ config.json beside it)${args.flags.has('out-shares') ? ` and ${stringFlag(args, 'out-shares')}` : ''}`,
  );
}

registerCommand({
  name: 'fuse',
  summary:
    'fuse two checkpoints unit by unit from their importance scores (KIF hard or soft rule; writes the accumulated scores too), ' +
    "or merge N checkpoints' task vectors against their base (average, task arithmetic, TIES, DARE, MagMax, Fisher averaging)",
  usage:
    'fuse --prev A.safetensors --cur B.safetensors --prev-scores A.json --cur-scores B.json --rule hard|soft [--gamma 0.7 --top 20 | --tau 0.25] ' +
    '[--beta 0.7] [--units tensor|head-neuron] [--block 16] [--config CONFIG.json] --out FUSED.safetensors --out-scores ACC.json\n' +
    '  fuse --rule ties|dare|task-arithmetic|magmax|fisher|average --base BASE.safetensors --models A.safetensors,B.safetensors ' +
    '[--lambda L --top K --drop P --inner ties|task-arithmetic|average --seed S --floor EPS] [--fisher A.fisher.safetensors,…] ' +
    '[--units tensor|head-neuron --out-shares SHARES.json] [--config CONFIG.json] --out FUSED.safetensors\n' +
    '  rule knobs:\n' +
    knobHelp,
  async run(args) {
    const ruleName = stringFlag(args, 'rule');
    if (isTaskVectorRule(ruleName)) return mergeCheckpoints(ruleName, args);
    if (!isFusionRuleName(ruleName))
      throw new UsageError(`--rule must be one of ${fusionRuleNames.join(', ')} (got ${ruleName})`);
    const { rule, beta } = ruleFromFlags(ruleName as ScoreRule['kind'], args);
    const granularity = stringFlag(args, 'units', 'tensor');
    if (!Object.hasOwn(granularities, granularity))
      throw new UsageError(`--units must be one of ${Object.keys(granularities).join(', ')} (got ${granularity})`);
    const out = outFileFlag(args, 'out', 'fused.safetensors');
    const outScores = outFileFlag(args, 'out-scores', 'scores.json');
    const configPath = args.flags.has('config') ? stringFlag(args, 'config') : undefined;
    const prevPath = stringFlag(args, 'prev');
    const curPath = stringFlag(args, 'cur');
    const prev = loadCheckpoint(prevPath, configPath);
    const cur = loadCheckpoint(curPath, configPath);
    if (JSON.stringify(prev.config) !== JSON.stringify(cur.config)) {
      const diff = (Object.keys(prev.config) as (keyof typeof prev.config)[]).filter(
        (k) => prev.config[k] !== cur.config[k],
      );
      throw new UsageError(
        `${prevPath} and ${curPath} are different models: ${diff.map((k) => `${k} ${prev.config[k]} vs ${cur.config[k]}`).join(', ')}`,
      );
    }
    const config = cur.config;
    const units = buildUnits(granularity, paramSpecs(config), {
      numHeads: config.numHeads,
      neuronBlock: Math.round(numberFlag(args, 'block', defaultNeuronBlock, 1, 1e6)),
    });
    const known = new Set(units.map((u) => u.name));
    const scores = {
      prev: loadScores(stringFlag(args, 'prev-scores')),
      cur: loadScores(stringFlag(args, 'cur-scores')),
    };
    for (const side of ['prev', 'cur'] as const) {
      const unknown = [...scores[side].keys()].filter((u) => !known.has(u));
      if (unknown.length) {
        throw new UsageError(
          `--${side}-scores names ${unknown.length} unit(s) this model does not have with --units ${granularity}: ${unknown.slice(0, 5).join(', ')}` +
            (unknown.some((u) => ['head', 'neuron-block'].includes(unitInfoFromName(u).shape)) &&
            granularity === 'tensor'
              ? ' (head / neuron-block units: pass --units head-neuron)'
              : ''),
        );
      }
    }
    let plan;
    try {
      plan = planFusion(scores.prev, scores.cur, rule, beta, unitKindsOf(units));
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
    const counts = [...plan.cases.values()].reduce<Record<string, number>>(
      (acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }),
      {},
    );
    const prevShare = [...plan.coeffs.values()].map((c) => c.prev);
    console.log(
      `fused ${plan.coeffs.size} units (${rule.kind} rule)` +
        (plan.cases.size
          ? `: ${Object.entries(counts)
              .map(([c, n]) => `${n} ${c}`)
              .join(', ')}; thresholds prev ${plan.thresholds!.prev.toFixed(4)}, cur ${plan.thresholds!.cur.toFixed(4)}`
          : `: earlier model's share ${Math.min(...prevShare).toFixed(3)}..${Math.max(...prevShare).toFixed(3)}`) +
        (uncovered ? `; ${uncovered} unscored units taken from --cur` : ''),
    );
    console.error(`wrote ${out} (+ config.json beside it) and ${outScores}`);
  },
});

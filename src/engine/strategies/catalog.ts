// The built-in strategies' metadata (name, title, description, knobs, checks), without their implementations: the page
// lists, draws and checks strategies from here without loading TF.js; each implementation file spreads its entry, and
// the registry (registry.ts) runs them. Adding a strategy: an entry here and in strategyCatalog, a file with its create()
// and a line in builtin.ts.
import type { StrategySpec } from '../spec/experiment';
import { hardRuleKnobs, importanceKnobs, kifProblems, softRuleKnobs } from './kifKnobs';
import { resolveKnobs, type KnobDef, type Knobs } from './knobs';
import { loraKnobs } from './loraKnobs';
import { mergingCatalog } from './mergingCatalog';
import type { StrategyInfo } from './types';

/** lwf's distillation terms (lwf.ts implements each). */
export const distillLossNames = ['kl', 'ce'] as const;
export type DistillLossName = (typeof distillLossNames)[number];

/** weight-avg's forms (weightAvg.ts gives each one's weight of the earlier model). */
export const weightAvgForms = ['uniform', 'running', 'ema'] as const;
export type WeightAvgForm = (typeof weightAvgForms)[number];

export const seqftInfo: StrategyInfo = {
  name: 'seqft',
  title: 'Sequential fine-tuning',
  description:
    'Trains on each task in turn, starting from the weights the previous task left, with nothing to protect earlier ' +
    'tasks. It is the lower bound of the comparison: whatever a later task needs overwrites what an earlier one learned, ' +
    'so its backward transfer shows how much forgetting the other strategies have to prevent.',
  knobs: {},
};

export const mtlInfo: StrategyInfo = {
  name: 'mtl',
  title: 'Multi-task learning (joint training)',
  description:
    'At task k trains on the union of the train sets of tasks 0..k, batches drawn uniformly from all of them. It breaks ' +
    'the continual-learning rule that old data is gone, which is why it is the upper bound: the accuracy a strategy ' +
    'could reach if it remembered everything. Each task still gets its own number of steps, now shared by all tasks so far.',
  knobs: {},
};

export const ewcInfo: StrategyInfo = {
  name: 'ewc',
  title: 'Elastic weight consolidation (diagonal Fisher)',
  description:
    'After each task estimates how much every weight mattered to it, as the diagonal of the empirical Fisher information ' +
    '(mean squared gradient of the task loss over a few batches), and while training later tasks adds the penalty ' +
    '(λ/2)·Σ F·(θ − θ*)², pulling important weights back toward their values θ* after the previous task. Fishers of ' +
    'successive tasks are summed and the anchor is the latest model (online EWC), so memory does not grow with tasks.',
  knobs: {
    lambda: { kind: 'number', default: 1000, min: 0, max: 1e9, help: 'strength λ of the quadratic penalty' },
    fisherBatches: {
      kind: 'int',
      default: 8,
      min: 1,
      max: 10_000,
      help: "batches of the task's train set used to estimate the Fisher",
    },
  },
};

export const replayInfo: StrategyInfo = {
  name: 'replay',
  title: 'Experience replay',
  description:
    'Keeps a memory of M training examples from every earlier task and mixes them into each batch of the current task: ' +
    'a fixed share of every batch comes from the memory, the rest from the current task. The classic rehearsal ' +
    'baseline; it needs stored old data, which KIF avoids.',
  knobs: {
    memory: { kind: 'int', default: 50, min: 1, max: 100_000, help: 'examples kept per earlier task (M)' },
    mix: {
      kind: 'number',
      default: 0.25,
      min: 0,
      max: 1,
      aboveMin: true,
      help: 'share of each batch drawn from the memory',
    },
  },
};

export const lwfInfo: StrategyInfo = {
  name: 'lwf',
  title: 'Learning without forgetting (distillation)',
  description:
    'Before each task k ≥ 1 freezes a copy of the current model as a teacher; while training the new task, the loss ' +
    "gains λ times a distillation term that keeps the student's output distribution on the new inputs close to the " +
    'teacher\'s: "kl" matches the temperature-softened distributions (soft targets), "ce" trains on the teacher\'s own ' +
    'most likely tokens. It stores no old data, only the previous model, and costs one extra forward pass per step.',
  knobs: {
    lambda: { kind: 'number', default: 1, min: 0, max: 1e6, help: 'weight λ of the distillation term' },
    temperature: {
      kind: 'number',
      default: 2,
      min: 0,
      max: 100,
      aboveMin: true,
      help: 'softmax temperature T of the kl form',
    },
    loss: {
      kind: 'choice',
      default: 'kl',
      options: distillLossNames,
      help: "kl: soft targets; ce: the teacher's argmax tokens",
    },
  },
};

export const weightAvgInfo: StrategyInfo = {
  name: 'weight-avg',
  title: 'Weight averaging',
  description:
    'After each task k ≥ 1 replaces the weights by an average of the model before the task and the model after it, the ' +
    'same for every parameter: "uniform" takes half of each (the plain averaging of KIF\'s ablation), "running" keeps ' +
    'the uniform mean of all task models so far (old weight k/(k+1)), "ema" keeps a share β of the old model. It is the ' +
    'coarse fusion that KIF refines unit by unit.',
  knobs: {
    form: {
      kind: 'choice',
      default: 'uniform',
      options: weightAvgForms,
      help: 'uniform (½·old + ½·new), running (mean of all task models) or ema (β·old + (1−β)·new)',
    },
    beta: { kind: 'number', default: 0.5, min: 0, max: 1, help: 'ema form: weight of the model before the task' },
  },
};

export const kifHardInfo: StrategyInfo = {
  name: 'kif-hard',
  title: 'KIF, hard fusion (TaSL)',
  description:
    'Tracks the importance of every skill unit while a task trains (EMA of |w·g| times its uncertainty, KIF.md §2), then ' +
    "after each task k ≥ 1 fuses the model before and after the task unit by unit with TaSL's four cases: units " +
    'important before and now are blended γ·old + (1−γ)·new, units important only before keep the old weights, units ' +
    'important only now take the new ones, the rest are averaged. "Important" means in the top % of min-max normalised ' +
    "scores; earlier tasks' scores are accumulated with β. Units come from the spec (tensors, or heads and neuron blocks).",
  knobs: { ...hardRuleKnobs, ...importanceKnobs },
  problems: kifProblems,
  tracksImportance: true,
};

export const kifSoftInfo: StrategyInfo = {
  name: 'kif-soft',
  title: 'KIF, soft fusion',
  description:
    "The same importance tracking as kif-hard, but the fusion after each task k ≥ 1 is KIF's adaptive rule: every unit " +
    'becomes c_prev·old + c_cur·new with c_prev = e^{Â/τ} / (e^{Â/τ} + e^{Ŝ/τ}) from the normalised accumulated (Â) and ' +
    'current (Ŝ) scores, so a unit leans smoothly toward whichever side found it more important; no thresholds. The ' +
    "paper pairs it with LoRA rank units; here it fuses the full model's units from the spec.",
  knobs: { ...softRuleKnobs, ...importanceKnobs },
  problems: kifProblems,
  tracksImportance: true,
};

export const kifReplayInfo: StrategyInfo = {
  name: 'kif-replay',
  title: 'KIF with memory replay',
  description:
    'kif-hard followed, after each fusion, by a short training phase on a memory of M examples from every earlier task ' +
    '(KIF.md §4), during which the units specific to the current task (important now, not before: the "taken" case) ' +
    'are frozen, so rehearsal repairs the earlier tasks without undoing what the new task put in its own units. The ' +
    'phase runs without weight decay from fresh optimizer moments, so frozen units stay exactly as fusion left them.',
  knobs: {
    ...hardRuleKnobs,
    ...importanceKnobs,
    memory: { kind: 'int', default: 20, min: 1, max: 100_000, help: 'examples kept per earlier task (M)' },
    replaySteps: {
      kind: 'int',
      default: 20,
      min: 1,
      max: 100_000,
      help: 'optimizer steps on the memory after each fusion',
    },
  },
  problems: kifProblems,
  tracksImportance: true,
};

export const seqloraInfo: StrategyInfo = {
  name: 'seqlora',
  title: 'Sequential LoRA',
  description:
    'Before each task attaches a fresh LoRA adapter (lora_A random, lora_B zero, scaling α/r) to the target projections ' +
    'of the current model and trains only the adapter, the base weights frozen; after the task merges it into the base ' +
    '(W += (α/r)·B·A) and drops it, so the next task starts from the merged model. Nothing protects earlier tasks: it is ' +
    'the lower bound among the LoRA strategies, as sequential fine-tuning is for the full model, with far fewer trained ' +
    'weights per task.',
  family: 'lora',
  knobs: loraKnobs,
};

export const kifLoraInfo: StrategyInfo = {
  name: 'kif-lora',
  title: 'KIF with LoRA (rank units, soft fusion)',
  description:
    "KIF's LoRA variant (KIF.md §4): the base stays frozen and one LoRA adapter carries across tasks. While a task trains, " +
    'the second-order importance |w·g − ½(w·g)²| is tracked per LoRA rank unit (row j of lora_A with column j of lora_B, ' +
    'scored mean(s_B[:,j])·mean(s_A[j,:])), and an orthogonality penalty λ·mean ‖P − I‖_F (P = A·Aᵀ, Bᵀ·B) keeps rank ' +
    'directions apart. After each task k ≥ 1 every rank unit of the adapter becomes the soft blend c_prev·old + c_cur·new ' +
    'of the adapter before the task and after it, leaning toward whichever side found the unit more important. Needs ' +
    'units.granularity "lora-rank".',
  family: 'lora',
  knobs: {
    ...loraKnobs,
    orthLambda: {
      kind: 'number',
      default: 0.1,
      min: 0,
      max: 1e6,
      help: 'λ of the orthogonality penalty λ·mean over LoRA matrices of ‖P − I‖_F (KIF: 0.1)',
    },
    ...softRuleKnobs,
    ...importanceKnobs,
    metric: { ...importanceKnobs.metric, default: 'second-order', paper: 'second-order' } as KnobDef,
  },
  problems: (_k, { granularity }) =>
    granularity === 'lora-rank'
      ? []
      : [`needs units.granularity "lora-rank" (its skill units are LoRA rank units; got "${granularity}")`],
  tracksImportance: true,
};

export const oloraInfo: StrategyInfo = {
  name: 'olora',
  title: 'O-LoRA (orthogonal subspaces)',
  description:
    'Orthogonal subspace learning (Wang et al. 2023): each task trains a new LoRA adapter, the base and the earlier ' +
    "adapters frozen, with the loss plus λ1·Σ|A_old·A_newᵀ|, which pushes the new adapter's input subspace (rows of " +
    "lora_A) away from every earlier task's, so the new task writes where earlier ones did not read; λ2 adds the " +
    "paper's L2 norm of the new adapter. After a task its adapter is merged into the frozen base (the same function as " +
    'keeping it beside the others) and its lora_A is kept for the penalty of later tasks.',
  family: 'lora',
  knobs: {
    ...loraKnobs,
    lambda1: {
      kind: 'number',
      default: 0.5,
      min: 0,
      max: 1e6,
      help: 'λ1: weight of the orthogonality loss Σ|A_old·A_newᵀ| (O-LoRA: 0.5)',
    },
    lambda2: {
      kind: 'number',
      default: 0,
      min: 0,
      max: 1e6,
      help: 'λ2: weight of the L2 norm of the new adapter (O-LoRA: 0 on its standard orders)',
    },
  },
};

/** Every built-in strategy, in the order tables list them (builtin.ts lists the implementations in the same order). */
export const strategyCatalog: readonly StrategyInfo[] = [
  seqftInfo,
  mtlInfo,
  ewcInfo,
  replayInfo,
  lwfInfo,
  weightAvgInfo,
  ...mergingCatalog,
  kifHardInfo,
  kifSoftInfo,
  kifReplayInfo,
  seqloraInfo,
  kifLoraInfo,
  oloraInfo,
];

/** A spec's strategy checked against `known` by name, its knobs resolved; problems are prefixed with the spec path `at`. */
export function resolveStrategyIn<T extends StrategyInfo>(
  known: ReadonlyMap<string, T>,
  s: StrategySpec,
  at: string,
  context: { granularity: string; tasks: number },
): { ok: true; def: T; knobs: Knobs } | { ok: false; problems: string[] } {
  const def = known.get(s.name);
  if (!def)
    return {
      ok: false,
      problems: [`${at}.name: unknown strategy "${s.name}"; known: ${[...known.keys()].join(', ')}`],
    };
  const { knobs, problems } = resolveKnobs(def.knobs, s.knobs);
  const all = problems.map((p) => `${at}.knobs.${p}`);
  if (all.length === 0) all.push(...(def.problems?.(knobs, context) ?? []).map((p) => `${at}: ${p}`));
  return all.length ? { ok: false, problems: all } : { ok: true, def, knobs };
}

const byName = new Map(strategyCatalog.map((s) => [s.name, s]));

/** resolveStrategyIn over the built-in catalog: what the page checks a spec with before the worker has loaded. */
export const resolveStrategyInfo = (s: StrategySpec, at: string, context: { granularity: string; tasks: number }) =>
  resolveStrategyIn(byName, s, at, context);

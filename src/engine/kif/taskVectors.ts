// The model-merging rules over task vectors τ_t = θ_t − θ₀ (the change task t's fine-tuning made to the base θ₀), on
// host arrays, element by element over the whole model. Each returns the merged weights and, per task, how much each
// element of the merged change came from it, so skill-unit views can show every rule's share of each task.
//
//   average           θ₀ + (1/T)·Σ τ_t
//   task arithmetic   θ₀ + λ·Σ τ_t                                                       (Ilharco et al. 2023)
//   TIES              trim: keep each τ_t's top k % entries by |·| over the whole model, the rest 0;
//                     elect: γ = sign(Σ_t τ̂_t) per entry (a zero sum takes the sign of Σ γ over the model, + if that is 0);
//                     disjoint mean: τ_m = mean of the τ̂_t whose sign is γ, zeros not counted; θ₀ + λ·τ_m  (Yadav et al. 2023)
//   DARE              each entry of τ_t dropped with probability p, the rest × 1/(1−p), then an inner rule  (Yu et al. 2024)
//   MagMax            per entry the τ_t of largest |·| (a tie goes to the later task); θ₀ + λ·τ          (Marczak et al. 2024)
//   Fisher averaging  per entry Σ (F_t+ε)·θ_t / Σ (F_t+ε), F_t the diagonal Fisher of θ_t               (Matena & Raffel 2022)
import type { HostTensor } from '../model/init';
import { deriveSeed, makeRng } from '../util/rng';
import type { DareInner } from './fusionRuleKnobs';
import { forEachElement, type SkillUnit } from './units';

export type TaskVectorRule =
  | { kind: 'average' }
  | { kind: 'task-arithmetic'; lambda: number }
  | { kind: 'ties'; topPercent: number; lambda: number }
  | { kind: 'dare'; drop: number; inner: DareInner; topPercent: number; lambda: number; seed: number }
  | { kind: 'magmax'; lambda: number }
  | { kind: 'fisher'; floor: number };

export type Weights = ReadonlyMap<string, HostTensor>;

export interface MergeInputs {
  /** θ₀: the model every task's fine-tuning started from. */
  base: Weights;
  /** θ_t, one per task, in task order. */
  models: readonly Weights[];
  /** The diagonal Fisher of each model (the fisher rule only). */
  fishers?: readonly Weights[];
  /** Names for messages (files, tasks); default "model 1", "model 2", ... */
  names?: readonly string[];
}

/** Where each parameter lies in the flat vector of the whole model (the base's order). */
export interface Layout {
  params: { name: string; shape: number[]; offset: number; size: number }[];
  size: number;
}

export interface MergeOutput {
  weights: Map<string, HostTensor>;
  /** Per task, per entry of the flat model (layout order), |its part of the merged change θ − θ₀|. */
  contributions: Float32Array[];
  layout: Layout;
  /** Signs that the inputs do not fit the rule's assumptions (e.g. a base the models did not start from). */
  warnings: string[];
}

/** A bad input: the message names the model and the parameter. */
export class MergeInputError extends Error {
  override name = 'MergeInputError';
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

export function layoutOf(base: Weights): Layout {
  let offset = 0;
  const params = [...base].map(([name, t]) => {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== size)
      throw new MergeInputError(`base: ${name} has ${t.data.length} values for shape ${shapeText(t.shape)}`);
    const p = { name, shape: [...t.shape], offset, size };
    offset += size;
    return p;
  });
  return { params, size: offset };
}

/** The whole model as one vector in the layout's order, after checking it has exactly the base's parameters and shapes. */
function flatten(w: Weights, layout: Layout, what: string): Float32Array {
  const extra = [...w.keys()].filter((n) => !layout.params.some((p) => p.name === n));
  if (extra.length)
    throw new MergeInputError(
      `${what} has parameter(s) the base does not: ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', …' : ''}`,
    );
  const out = new Float32Array(layout.size);
  for (const p of layout.params) {
    const t = w.get(p.name);
    if (!t) throw new MergeInputError(`${what} has no parameter ${p.name}, which the base has`);
    if (t.shape.join(',') !== p.shape.join(','))
      throw new MergeInputError(
        `${what}: ${p.name} is ${shapeText(t.shape)}, the base's is ${shapeText(p.shape)}: not the same model`,
      );
    for (let i = 0; i < p.size; i++) {
      const x = t.data[i];
      if (!Number.isFinite(x))
        throw new MergeInputError(`${what}: ${p.name} holds a non-finite value (${x}) at entry ${i}`);
      out[p.offset + i] = x;
    }
  }
  return out;
}

function unflatten(v: Float32Array, layout: Layout): Map<string, HostTensor> {
  return new Map(
    layout.params.map((p) => [p.name, { shape: [...p.shape], data: v.slice(p.offset, p.offset + p.size) }]),
  );
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

/**
 * Measured on the nano base: 200 steps of a demo task move it by 2.5 % of its norm, three tasks in a row by 5 %, while
 * a random init of the same shape lies 55 % away. A task vector over 20 % of the base's norm means the base is probably
 * not where the model started, and then τ = θ − θ₀ is meaningless (or the model was trained far from it).
 */
export const BASE_DISTANCE_WARNING = 0.2;

function baseWarnings(base: Float32Array, taus: readonly Float32Array[], names: readonly string[]): string[] {
  const b = norm(base);
  return taus.flatMap((tau, t) => {
    const n = norm(tau);
    if (n === 0) return [`${names[t]} equals the base: its task vector is zero, so it adds nothing to the merge`];
    if (b > 0 && n / b > BASE_DISTANCE_WARNING) {
      return [
        `${names[t]} lies ${((100 * n) / b).toFixed(0)}% of the base's norm away from it (fine-tuning a pretrained model moves it a few %): ` +
          `the base is probably not the model it started from, and its task vector θ − θ₀ is then meaningless`,
      ];
    }
    return [];
  });
}

/** The merged change δ (θ = θ₀ + δ) and per task |its part of δ|, per flat entry. */
interface Merged {
  delta: Float32Array;
  contributions: Float32Array[];
}

function linear(taus: readonly Float32Array[], scale: number): Merged {
  const delta = new Float32Array(taus[0].length);
  const contributions = taus.map(() => new Float32Array(delta.length));
  taus.forEach((tau, t) => {
    for (let i = 0; i < tau.length; i++) {
      const c = scale * tau[i];
      delta[i] += c;
      contributions[t][i] = Math.abs(c);
    }
  });
  return { delta, contributions };
}

/** TIES's trim: the top ⌈k%·D⌉ entries by magnitude stay (entries tied with the last of them too), the rest become 0. */
export function trimTopPercent(tau: Float32Array, k: number): Float32Array {
  const d = tau.length;
  if (d === 0) return new Float32Array(0);
  const keep = Math.min(d, Math.max(1, Math.ceil((k * d) / 100 - 1e-9)));
  const mags = Float32Array.from(tau, Math.abs).sort();
  const threshold = mags[d - keep];
  return tau.map((x) => (Math.abs(x) >= threshold ? x : 0));
}

function ties(taus: readonly Float32Array[], topPercent: number, lambda: number): Merged {
  const trimmed = taus.map((tau) => trimTopPercent(tau, topPercent));
  const d = taus[0].length;
  const sign = new Int8Array(d);
  let majority = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (const t of trimmed) s += t[i];
    sign[i] = Math.sign(s);
    majority += sign[i];
  }
  const tieSign = majority < 0 ? -1 : 1;
  const delta = new Float32Array(d);
  const contributions = taus.map(() => new Float32Array(d));
  for (let i = 0; i < d; i++) {
    const g = sign[i] === 0 ? tieSign : sign[i];
    let sum = 0;
    let count = 0;
    for (const t of trimmed) {
      if (t[i] !== 0 && Math.sign(t[i]) === g) {
        sum += t[i];
        count++;
      }
    }
    if (count === 0) continue;
    delta[i] = (lambda * sum) / count;
    trimmed.forEach((t, j) => {
      if (t[i] !== 0 && Math.sign(t[i]) === g) contributions[j][i] = Math.abs((lambda * t[i]) / count);
    });
  }
  return { delta, contributions };
}

/** DARE's drop and rescale of task t's vector: its mask depends only on the seed and t. */
export function dareDrop(tau: Float32Array, drop: number, seed: number, t: number): Float32Array {
  const rng = makeRng(deriveSeed(seed, `dare/${t}`));
  const scale = 1 / (1 - drop);
  return tau.map((x) => (rng() < drop ? 0 : x * scale));
}

function magmax(taus: readonly Float32Array[], lambda: number): Merged {
  const d = taus[0].length;
  const delta = new Float32Array(d);
  const contributions = taus.map(() => new Float32Array(d));
  for (let i = 0; i < d; i++) {
    let best = 0;
    for (let t = 1; t < taus.length; t++) if (Math.abs(taus[t][i]) >= Math.abs(taus[best][i])) best = t;
    delta[i] = lambda * taus[best][i];
    contributions[best][i] = Math.abs(delta[i]);
  }
  return { delta, contributions };
}

function fisherAverage(taus: readonly Float32Array[], fishers: readonly Float32Array[], floor: number): Merged {
  const d = taus[0].length;
  const delta = new Float32Array(d);
  const contributions = taus.map(() => new Float32Array(d));
  for (let i = 0; i < d; i++) {
    let total = 0;
    for (const f of fishers) total += f[i] + floor;
    // With ε = 0 an entry no model is sensitive to has no weights at all: it is averaged evenly.
    const weight = (t: number) => (total > 0 ? (fishers[t][i] + floor) / total : 1 / taus.length);
    let sum = 0;
    taus.forEach((tau, t) => {
      const c = weight(t) * tau[i];
      sum += c;
      contributions[t][i] = Math.abs(c);
    });
    delta[i] = sum;
  }
  return { delta, contributions };
}

type FlatMerge<R extends TaskVectorRule> = (
  taus: readonly Float32Array[],
  rule: R,
  fishers: readonly Float32Array[] | undefined,
) => Merged;

/** Each rule's merge of the flat task vectors, by name. */
const flatMerges: { [K in TaskVectorRule['kind']]: FlatMerge<Extract<TaskVectorRule, { kind: K }>> } = {
  average: (taus) => linear(taus, 1 / taus.length),
  'task-arithmetic': (taus, r) => linear(taus, r.lambda),
  ties: (taus, r) => ties(taus, r.topPercent, r.lambda),
  dare: (taus, r) => {
    const dropped = taus.map((tau, t) => dareDrop(tau, r.drop, r.seed, t));
    if (r.inner === 'ties') return ties(dropped, r.topPercent, r.lambda);
    return linear(dropped, r.inner === 'average' ? 1 / taus.length : r.lambda);
  },
  magmax: (taus, r) => magmax(taus, r.lambda),
  fisher: (taus, r, fishers) => fisherAverage(taus, fishers!, r.floor),
};

/** Merges the task vectors of `models` against `base` with `rule`. Throws MergeInputError on inputs that cannot merge. */
export function mergeTaskVectors(inputs: MergeInputs, rule: TaskVectorRule): MergeOutput {
  const { base, models } = inputs;
  if (models.length === 0) throw new MergeInputError('no models to merge');
  const names = models.map((_, t) => inputs.names?.[t] ?? `model ${t + 1}`);
  const layout = layoutOf(base);
  const b = flatten(base, layout, 'the base');
  const taus = models.map((m, t) => {
    const v = flatten(m, layout, names[t]);
    for (let i = 0; i < v.length; i++) v[i] -= b[i];
    return v;
  });
  let fishers: Float32Array[] | undefined;
  if (rule.kind === 'fisher') {
    if (!inputs.fishers || inputs.fishers.length !== models.length) {
      throw new MergeInputError(
        `Fisher averaging needs one Fisher per model: ${models.length} model(s), ${inputs.fishers?.length ?? 0} Fisher(s)`,
      );
    }
    fishers = inputs.fishers.map((f, t) => {
      const v = flatten(f, layout, `the Fisher of ${names[t]}`);
      const bad = v.findIndex((x) => x < 0);
      if (bad >= 0)
        throw new MergeInputError(
          `the Fisher of ${names[t]} has a negative value (${v[bad]}): a diagonal Fisher is a mean of squares`,
        );
      return v;
    });
  }
  const { delta, contributions } = (flatMerges[rule.kind] as FlatMerge<TaskVectorRule>)(taus, rule, fishers);
  for (let i = 0; i < delta.length; i++) delta[i] += b[i];
  return { weights: unflatten(delta, layout), contributions, layout, warnings: baseWarnings(b, taus, names) };
}

/**
 * Per unit, each task's share of the merged change in that unit: Σ|its part| over the unit's entries over the same sum
 * for all tasks. All zeros when the merge left the unit at the base (e.g. TIES trimmed every entry of it).
 */
export function unitShares(
  units: readonly SkillUnit[],
  out: Pick<MergeOutput, 'contributions' | 'layout'>,
): Map<string, number[]> {
  const at = new Map(out.layout.params.map((p) => [p.name, p]));
  const shares = new Map<string, number[]>();
  for (const u of units) {
    const sums = out.contributions.map(() => 0);
    for (const part of u.parts) {
      const p = at.get(part.param);
      if (!p)
        throw new MergeInputError(`unit ${u.name} refers to parameter ${part.param}, which the models do not have`);
      forEachElement(part, p.shape, (i) => {
        out.contributions.forEach((c, t) => (sums[t] += c[p.offset + i]));
      });
    }
    const total = sums.reduce((a, b) => a + b, 0);
    shares.set(
      u.name,
      sums.map((s) => (total > 0 ? s / total : 0)),
    );
  }
  return shares;
}

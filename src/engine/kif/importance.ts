// The importance tracker of KIF.md §2, on device: two buffers Ī and Ū per trainable element, updated every step.
//
// Parameters are packed into groups, each holding its Ī and Ū as one flat tf.Variable. An update concatenates the
// group's parameters and gradients and runs the whole elementwise chain once per group (about 11 kernels for a group of
// any number of tensors, where a per-tensor chain costs about 9 per tensor; the flattening reshapes are metadata-only
// on most backends). `maxGroupElements` bounds the transient flat copies; 1 gives one group (one pair of buffers) per
// tensor.
import * as tf from '@tensorflow/tfjs';
import { flatten } from '../util/flatTensors';
import { runsOnHost, type Placement } from '../util/placement';
import {
  importanceDefaults,
  importanceMetric,
  resolveImportanceOptions,
  smoothings,
  type ImportanceMetric,
  type ImportanceOptions,
  type Smoothing,
  type SmoothingStep,
} from './importanceMetrics';
import type { HostGrads, TrainHooks } from '../train/trainer';
import { partSize, unitCombiners, type ParamShape, type PartStat, type SkillUnit } from './units';

interface Member {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

interface Group {
  members: Member[];
  ibar: tf.Variable;
  ubar: tf.Variable;
  host?: { ibar: Float32Array; ubar: Float32Array };
}

/** 'all' = the sum of the whole parameter; an axis = per-index sums along it (for sliced parts). */
type Reduction = 'all' | number;

export interface TrackerOptions extends ImportanceOptions {
  maxGroupElements: number;
  /**
   * Where Ī and Ū live. 'host': Float32Arrays updated by a JavaScript loop, which on cpu/wasm (tensors already in
   * CPU memory) costs a fraction of the dozen kernels per group of the device form; 'device': tf.Variables (GPUs);
   * 'auto' picks by the active backend when the tracker is made.
   */
  placement: Placement;
}

export const trackerDefaults: TrackerOptions = { ...importanceDefaults, maxGroupElements: 1 << 22, placement: 'auto' };

/** The weights of a parameter the trainer did not train: its gradient is zero, so they are never read. */
const NO_VALUES = new Float32Array(0);

// Inside tidy the initial zeros are released; the variable keeps its own reference to the data.
const zerosVariable = (size: number) => tf.tidy(() => tf.variable(tf.zeros([size]), false));

export class ImportanceTracker {
  readonly options: TrackerOptions;
  private readonly metric: ImportanceMetric;
  private readonly smoothing: Smoothing;
  private readonly groups: Group[] = [];
  private readonly where = new Map<string, { group: Group; member: Member }>();
  private readonly scalars = new Map<number, tf.Scalar>();
  private calls = 0;
  private counted = 0;
  readonly onHost: boolean;

  constructor(trainable: Iterable<ParamShape>, options: Partial<TrackerOptions> = {}) {
    this.options = resolveImportanceOptions(trackerDefaults, options);
    this.metric = importanceMetric(this.options.metric);
    this.smoothing = smoothings[this.metric.smoothing];
    this.onHost = runsOnHost(this.options.placement);
    let pending: Member[] = [];
    let pendingSize = 0;
    const close = () => {
      if (pending.length === 0) return;
      const group: Group = this.onHost
        ? {
            members: pending,
            ibar: zerosVariable(1),
            ubar: zerosVariable(1),
            host: { ibar: new Float32Array(pendingSize), ubar: new Float32Array(pendingSize) },
          }
        : { members: pending, ibar: zerosVariable(pendingSize), ubar: zerosVariable(pendingSize) };
      for (const member of pending) this.where.set(member.name, { group, member });
      this.groups.push(group);
      pending = [];
      pendingSize = 0;
    };
    for (const p of trainable) {
      if (this.where.has(p.name) || pending.some((m) => m.name === p.name))
        throw new Error(`importance: parameter ${p.name} listed twice`);
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (pendingSize > 0 && pendingSize + size > this.options.maxGroupElements) close();
      pending.push({ name: p.name, shape: [...p.shape], offset: pendingSize, size });
      pendingSize += size;
    }
    close();
  }

  /** Steps folded into the buffers since the last reset (the skipped first step not counted). */
  get steps(): number {
    return this.counted;
  }

  /** Folds one optimizer step in. A tracked parameter without a gradient counts as gradient zero. */
  update(params: ReadonlyMap<string, tf.Tensor>, grads: ReadonlyMap<string, tf.Tensor>): void {
    const step = this.nextStep();
    if (!step) return;
    if (this.onHost) {
      // Tensors handed to a host tracker (tests, tools): read each once, then the same loop as updateHost.
      const read = (m: Member) => ({
        w: this.param(params, m).dataSync() as Float32Array,
        g: (grads.get(m.name)?.dataSync() as Float32Array | undefined) ?? null,
      });
      return this.foldHost(read, 1, step);
    }
    const k = (v: number) => this.scalar(v);
    for (const g of this.groups) {
      tf.tidy(() => {
        const w = flatten(g.members.map((m) => this.param(params, m)));
        const grad = flatten(g.members.map((m) => grads.get(m.name) ?? tf.zeros(m.shape)));
        const next = this.smoothing.step(
          this.metric.sensitivity(tf.mul(w, grad), k),
          { ibar: g.ibar, ubar: g.ubar },
          k,
          step,
        );
        g.ibar.assign(next.ibar);
        if (next.ubar) g.ubar.assign(next.ubar);
      });
    }
  }

  /** The same step from the trainer's host arrays (its onHostGrads hook on cpu/wasm), for a tracker on the host. */
  updateHost({ names, grads, scale, weights }: HostGrads): void {
    if (!this.onHost) throw new Error('importance: host arrays given to a tracker whose buffers live on the device');
    const step = this.nextStep();
    if (!step) return;
    const index = new Map(names.map((n, i) => [n, i]));
    const read = (m: Member) => {
      const i = index.get(m.name);
      if (i === undefined) return { w: NO_VALUES, g: null };
      if (weights[i].length !== m.size)
        throw new Error(`importance: ${m.name} has ${weights[i].length} values, tracked as [${m.shape.join(', ')}]`);
      return { w: weights[i], g: grads[i] };
    };
    this.foldHost(read, scale, step);
  }

  private nextStep(): SmoothingStep | null {
    this.calls++;
    if (this.options.skipFirstStep && this.calls === 1) return null;
    return { beta1: this.options.beta1, beta2: this.options.beta2, n: ++this.counted };
  }

  /** `read` gives a member's weights and gradient (null: gradient zero). */
  private foldHost(
    read: (m: Member) => { w: Float32Array; g: Float32Array | null },
    scale: number,
    step: SmoothingStep,
  ) {
    const sens = this.metric.sensitivityOf;
    for (const g of this.groups) {
      for (const m of g.members) {
        const { w, g: grad } = read(m);
        this.smoothing.fold(sens, w, grad, scale, g.host!, m.offset, m.size, step);
      }
    }
  }

  /** Zeroes both buffers and the step count, for a new task. */
  reset(): void {
    for (const g of this.groups) {
      g.host?.ibar.fill(0);
      g.host?.ubar.fill(0);
    }
    tf.tidy(() => {
      for (const g of this.groups) {
        g.ibar.assign(tf.zerosLike(g.ibar));
        g.ubar.assign(tf.zerosLike(g.ubar));
      }
    });
    this.calls = 0;
    this.counted = 0;
  }

  /**
   * Unit scores S(u) from the element scores, with one readback: every needed sum is computed on device and
   * concatenated before a single `data()`. Units with a part outside the tracked parameters are left out.
   */
  async unitScores(units: readonly SkillUnit[]): Promise<Map<string, number>> {
    const scored = units.filter((u) => u.parts.every((p) => this.where.has(p.param)));
    const needs = new Map<string, Set<Reduction>>();
    for (const u of scored) {
      for (const p of u.parts) {
        if (!needs.has(p.param)) needs.set(p.param, new Set());
        needs.get(p.param)!.add(p.slice ? p.slice.axis : 'all');
      }
    }
    if (needs.size === 0) return new Map();
    const { sums, offsets } = this.onHost ? this.hostSums(needs) : await this.deviceSums(needs);
    const out = new Map<string, number>();
    for (const u of scored) {
      const stats: PartStat[] = u.parts.map((p) => {
        const m = this.where.get(p.param)!.member;
        const at = offsets.get(`${p.param}|${p.slice ? p.slice.axis : 'all'}`)!;
        let sum = 0;
        if (!p.slice) sum = sums[at];
        else for (let i = p.slice.start; i < p.slice.end; i++) sum += sums[at + i];
        return { sum, count: partSize(p, m.shape) };
      });
      out.set(u.name, unitCombiners[u.combine](stats));
    }
    return out;
  }

  private async deviceSums(
    needs: Map<string, Set<Reduction>>,
  ): Promise<{ sums: Float32Array; offsets: Map<string, number> }> {
    const offsets = new Map<string, number>();
    const flat = tf.tidy(() => {
      const pieces: tf.Tensor[] = [];
      let at = 0;
      for (const g of this.groups) {
        const members = g.members.filter((m) => needs.has(m.name));
        if (members.length === 0) continue;
        const s = this.smoothing.score({ ibar: g.ibar, ubar: g.ubar });
        for (const m of members) {
          const region = tf.reshape(tf.slice(s, m.offset, m.size), m.shape);
          for (const r of needs.get(m.name)!) {
            const piece = r === 'all' ? tf.reshape(tf.sum(region), [1]) : alongAxis(region, r);
            offsets.set(`${m.name}|${r}`, at);
            at += piece.size;
            pieces.push(piece);
          }
        }
      }
      return tf.concat(pieces);
    });
    const sums = (await flat.data()) as Float32Array;
    flat.dispose();
    return { sums, offsets };
  }

  /** The same sums from the host buffers. Parameters are 1-D or 2-D, so an axis sum is per row or per column. */
  private hostSums(needs: Map<string, Set<Reduction>>): { sums: Float32Array; offsets: Map<string, number> } {
    const offsets = new Map<string, number>();
    const pieces: number[] = [];
    for (const g of this.groups) {
      const { ibar, ubar } = g.host!;
      for (const m of g.members.filter((x) => needs.has(x.name))) {
        const cols = m.shape.length === 2 ? m.shape[1] : 1;
        for (const r of needs.get(m.name)!) {
          offsets.set(`${m.name}|${r}`, pieces.length);
          const n = r === 'all' ? 1 : r === 0 ? m.size / cols : cols;
          const acc = new Float64Array(n);
          for (let j = 0; j < m.size; j++) {
            const v = this.smoothing.scoreOf({ ibar: ibar[m.offset + j], ubar: ubar[m.offset + j] });
            acc[r === 'all' ? 0 : r === 0 ? Math.floor(j / cols) : j % cols] += v;
          }
          pieces.push(...acc);
        }
      }
    }
    return { sums: Float32Array.from(pieces), offsets };
  }

  dispose(): void {
    for (const g of this.groups) {
      g.ibar.dispose();
      g.ubar.dispose();
    }
    for (const s of this.scalars.values()) s.dispose();
    this.scalars.clear();
  }

  private param(params: ReadonlyMap<string, tf.Tensor>, m: Member): tf.Tensor {
    const t = params.get(m.name);
    if (!t) throw new Error(`importance: no value given for tracked parameter ${m.name}`);
    if (t.size !== m.size)
      throw new Error(`importance: ${m.name} has shape [${t.shape.join(', ')}], tracked as [${m.shape.join(', ')}]`);
    return t;
  }

  private scalar(v: number): tf.Scalar {
    let s = this.scalars.get(v);
    if (!s) this.scalars.set(v, (s = tf.keep(tf.scalar(v))));
    return s;
  }
}

/** Per-index sums along `axis` (summing every other axis). */
function alongAxis(region: tf.Tensor, axis: number): tf.Tensor {
  const others = region.shape.map((_, i) => i).filter((i) => i !== axis);
  return others.length === 0 ? region : tf.sum(region, others);
}

/**
 * The trainer hooks that feed a tracker: the tensor form, and for a tracker on the host also the host form, which the
 * trainer's host update (cpu/wasm) calls instead with the arrays it has already read.
 */
export function trackingHooks(
  tracker: ImportanceTracker,
  params: ReadonlyMap<string, tf.Tensor>,
): Pick<TrainHooks, 'onGrads' | 'onHostGrads'> {
  const onGrads = (grads: Map<string, tf.Tensor>) => tracker.update(params, grads);
  return tracker.onHost ? { onGrads, onHostGrads: (grads) => tracker.updateHost(grads) } : { onGrads };
}

// Skill units (KIF.md §1): groups of parameter elements that get one importance score and are fused as a whole.
//
// Unit names are stable strings built from Hugging Face T5 parameter names, so tables join across tasks and export:
//   tensor unit         the parameter name itself        encoder.block.0.layer.0.SelfAttention.q.weight
//   attention head h    <attention module>#head<h>       encoder.block.0.layer.0.SelfAttention#head3
//                       = rows h·dKv..(h+1)·dKv−1 of q, k, v and the same columns of o
//   FFN neuron block    <DenseReluDense>#neurons<a>-<b>  encoder.block.0.layer.1.DenseReluDense#neurons16-31
//                       = rows a..b (inclusive) of wi (or wi_0 and wi_1) and the same columns of wo
//   LoRA rank j         <module>.lora|<j>                encoder.block.0.layer.0.SelfAttention.q.lora|7
//                       = row j of <module>.lora_A [r, in] and column j of <module>.lora_B [out, r]
// Head and neuron-block units are the playground's teaching extension, not part of the paper.
// Parameters a granularity does not split (norms, embeddings, relative-position bias, ...) stay tensor units.
// Each unit carries the record it was made from (its kind's registry entry places it and names it in words).
import type { UnitInfo } from './unitKindRegistry';
import { unitInfoFromName } from './unitNames';

/** A contiguous range [start, end) of rows (axis 0) or columns (axis 1) of a parameter. */
export interface UnitSlice {
  axis: 0 | 1;
  start: number;
  end: number;
}

export interface UnitPart {
  param: string;
  /** Absent: the whole parameter. */
  slice?: UnitSlice;
}

/**
 * How a unit's score is formed from its parts: 'mean' pools all elements of all parts (KIF's group-wise mean);
 * 'product' multiplies the per-part means (KIF's LoRA rank unit: mean(s_B[:,j]) · mean(s_A[j,:])).
 */
export type UnitCombine = 'mean' | 'product';

export interface SkillUnit {
  name: string;
  parts: UnitPart[];
  combine: UnitCombine;
}

/** A unit as buildUnits makes it: with the record its heatmap place, family and words come from. */
export interface BuiltUnit extends SkillUnit {
  info: UnitInfo;
}

/** Skill units as documents keep them: names (score tables are keyed by them) and, in the same order, their records. */
export interface UnitTable {
  granularity: string;
  names: string[];
  infos: UnitInfo[];
}

export const unitTable = (granularity: string, units: readonly BuiltUnit[]): UnitTable => ({
  granularity,
  names: units.map((u) => u.name),
  infos: units.map((u) => u.info),
});

/** Each unit's record by name, for views that get scores keyed by name. */
export const unitInfos = (t: UnitTable): Map<string, UnitInfo> => new Map(t.names.map((n, i) => [n, t.infos[i]]));

/** What unit building needs to know about a parameter (a ParamSpec fits). */
export interface ParamShape {
  name: string;
  shape: readonly number[];
}

export interface UnitOptions {
  /** Attention heads per module: q/k/v have numHeads·dKv rows. */
  numHeads: number;
  /** FFN neurons per neuron-block unit. */
  neuronBlock: number;
}

/** KIF.md §9 used blocks of 16 FFN neurons. */
export const defaultNeuronBlock = 16;

export interface Granularity {
  label: string;
  build(params: readonly ParamShape[], options: UnitOptions): BuiltUnit[];
}

/** Number of elements of the parameter covered by a part. */
export function partSize(part: UnitPart, shape: readonly number[]): number {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!part.slice) return size;
  return ((part.slice.end - part.slice.start) * size) / shape[part.slice.axis];
}

/**
 * Calls fn with the row-major flat index of every element the part covers in a tensor of this shape. The shape may be
 * a broadcast mask's (size 1 on the axes the part does not slice).
 */
export function forEachElement(part: UnitPart, shape: readonly number[], fn: (index: number) => void): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!part.slice) {
    for (let i = 0; i < size; i++) fn(i);
    return;
  }
  const { axis, start, end } = part.slice;
  const dim = shape[axis];
  if (axis >= shape.length || end > dim || start < 0 || start >= end) {
    throw new Error(`${part.param}: slice ${start}..${end} on axis ${axis} does not fit shape [${shape.join(', ')}]`);
  }
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = size / (dim * inner);
  for (let o = 0; o < outer; o++)
    for (let i = o * dim * inner + start * inner, e = o * dim * inner + end * inner; i < e; i++) fn(i);
}

/** The sum of element scores over one part and how many elements it has. */
export interface PartStat {
  sum: number;
  count: number;
}

export const unitCombiners: Record<UnitCombine, (parts: readonly PartStat[]) => number> = {
  mean: (parts) => parts.reduce((a, p) => a + p.sum, 0) / parts.reduce((a, p) => a + p.count, 0),
  product: (parts) => parts.reduce((a, p) => (a * p.sum) / p.count, 1),
};

const tensorUnit = (p: ParamShape): BuiltUnit => ({
  name: p.name,
  parts: [{ param: p.name }],
  combine: 'mean',
  info: unitInfoFromName(p.name),
});

const range = (axis: 0 | 1, start: number, end: number): UnitSlice => ({ axis, start, end });

/** Groups parameters whose name matches `pattern` (capture 1 = module, 2 = role) into the units of their module. */
interface ModuleSplitter {
  pattern: RegExp;
  unitsOf(module: string, members: Map<string, ParamShape>): BuiltUnit[];
}

/**
 * Applies the splitters; a parameter no splitter matches becomes a tensor unit. A module's units are emitted where its
 * first parameter appears, so unit order follows parameter order.
 */
function splitModules(params: readonly ParamShape[], splitters: readonly ModuleSplitter[]): BuiltUnit[] {
  const match = (name: string) => {
    for (const s of splitters) {
      const m = s.pattern.exec(name);
      if (m) return { splitter: s, module: m[1], role: m[2] };
    }
    return null;
  };
  const modules = new Map<string, Map<string, ParamShape>>();
  for (const p of params) {
    const m = match(p.name);
    if (!m) continue;
    if (!modules.has(m.module)) modules.set(m.module, new Map());
    modules.get(m.module)!.set(m.role, p);
  }
  const units: BuiltUnit[] = [];
  const emitted = new Set<string>();
  for (const p of params) {
    const m = match(p.name);
    if (!m) units.push(tensorUnit(p));
    else if (!emitted.has(m.module)) {
      emitted.add(m.module);
      units.push(...m.splitter.unitsOf(m.module, modules.get(m.module)!));
    }
  }
  return units;
}

/** Equal-sized blocks [start, end) covering 0..n (the last one shorter when size does not divide n). */
function blocks(n: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += size) out.push([s, Math.min(n, s + size)]);
  return out;
}

const attentionPattern = /^(.*\.(?:SelfAttention|EncDecAttention))\.(q|k|v|o)\.weight$/;
const ffnPattern = /^(.*\.DenseReluDense)\.(wi|wi_0|wi_1|wo)\.weight$/;
const loraPattern = /^(.*)\.lora_(A|B)$/;

const other = (name: string): UnitInfo => ({ shape: 'other', name });

function headUnits(module: string, members: Map<string, ParamShape>, numHeads: number): BuiltUnit[] {
  const inner = (members.get('q') ?? members.get('k') ?? members.get('v'))?.shape[0] ?? members.get('o')!.shape[1];
  if (inner % numHeads !== 0) throw new Error(`${module}: ${inner} attention rows do not split into ${numHeads} heads`);
  const dKv = inner / numHeads;
  // Its units' records extend the record of the module's first parameter.
  const b = unitInfoFromName(members.values().next().value!.name);
  return blocks(inner, dKv).map(([s, e], h) => ({
    name: `${module}#head${h}`,
    parts: [...members.entries()].map(([role, p]) => ({ param: p.name, slice: range(role === 'o' ? 1 : 0, s, e) })),
    combine: 'mean',
    info:
      b.shape === 'projection'
        ? { shape: 'head', stack: b.stack, layer: b.layer, sublayer: b.sublayer, module: b.module, index: h }
        : other(`${module}#head${h}`),
  }));
}

function neuronUnits(module: string, members: Map<string, ParamShape>, blockSize: number): BuiltUnit[] {
  const dFf =
    (members.get('wi') ?? members.get('wi_0') ?? members.get('wi_1'))?.shape[0] ?? members.get('wo')!.shape[1];
  const b = unitInfoFromName(members.values().next().value!.name);
  return blocks(dFf, blockSize).map(([s, e]) => ({
    name: `${module}#neurons${s}-${e - 1}`,
    parts: [...members.entries()].map(([role, p]) => ({ param: p.name, slice: range(role === 'wo' ? 1 : 0, s, e) })),
    combine: 'mean',
    info:
      b.shape === 'ffn-matrix'
        ? { shape: 'neuron-block', stack: b.stack, layer: b.layer, sublayer: b.sublayer, first: s, last: e - 1 }
        : other(`${module}#neurons${s}-${e - 1}`),
  }));
}

function loraUnits(module: string, members: Map<string, ParamShape>): BuiltUnit[] {
  const a = members.get('A');
  const b = members.get('B');
  if (!a || !b) throw new Error(`${module}: LoRA needs both ${module}.lora_A and ${module}.lora_B`);
  const r = a.shape[0];
  if (b.shape[1] !== r) throw new Error(`${module}: lora_A has rank ${r} but lora_B has ${b.shape[1]} columns`);
  const base = unitInfoFromName(`${module}.weight`);
  return blocks(r, 1).map(([j]) => ({
    name: `${module}.lora|${j}`,
    parts: [
      { param: a.name, slice: range(0, j, j + 1) },
      { param: b.name, slice: range(1, j, j + 1) },
    ],
    combine: 'product',
    info: base.shape === 'projection' ? { ...base, shape: 'lora-rank', index: j } : other(`${module}.lora|${j}`),
  }));
}

export const granularities: Record<string, Granularity> = {
  tensor: { label: 'one unit per parameter tensor', build: (params) => params.map(tensorUnit) },
  'head-neuron': {
    label: 'attention heads and blocks of FFN neurons (teaching extension)',
    build: (params, o) =>
      splitModules(params, [
        { pattern: attentionPattern, unitsOf: (m, ps) => headUnits(m, ps, o.numHeads) },
        { pattern: ffnPattern, unitsOf: (m, ps) => neuronUnits(m, ps, o.neuronBlock) },
      ]),
  },
  'lora-rank': {
    label: 'LoRA rank units (row j of A with column j of B)',
    build: (params) => splitModules(params, [{ pattern: loraPattern, unitsOf: loraUnits }]),
  },
};

export function buildUnits(
  granularity: string,
  params: readonly ParamShape[],
  options: { numHeads: number; neuronBlock?: number },
): BuiltUnit[] {
  const g = granularities[granularity];
  if (!g) throw new Error(`unknown unit granularity "${granularity}"; known: ${Object.keys(granularities).join(', ')}`);
  const neuronBlock = options.neuronBlock ?? defaultNeuronBlock;
  if (!Number.isInteger(neuronBlock) || neuronBlock < 1)
    throw new Error(`neuron block size must be a positive integer (got ${neuronBlock})`);
  return g.build(params, { numHeads: options.numHeads, neuronBlock });
}

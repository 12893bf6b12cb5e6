// Initial weights as Hugging Face's T5PreTrainedModel._init_weights draws them (factor 1.0), from a seed.
import type { T5Config } from './config';
import { paramSpecs, type ParamSpec } from './paramSpec';
import { makeRng, randn } from '../util/rng';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}
export type HostTensors = Map<string, HostTensor>;

function initStd(s: ParamSpec, c: T5Config): number | 'ones' {
  const inner = c.numHeads * c.dKv;
  const byKind: Record<ParamSpec['kind'], number | 'ones'> = {
    embedding: 1,
    lm_head: 1,
    q: (c.dModel * c.dKv) ** -0.5,
    k: c.dModel ** -0.5,
    v: c.dModel ** -0.5,
    o: inner ** -0.5,
    rel_bias: c.dModel ** -0.5,
    wi: c.dModel ** -0.5,
    wi_0: c.dModel ** -0.5,
    wi_1: c.dModel ** -0.5,
    wo: c.dFf ** -0.5,
    norm: 'ones',
  };
  return byKind[s.kind];
}

export function initWeights(c: T5Config, seed: number): HostTensors {
  const rng = makeRng(seed);
  const out: HostTensors = new Map();
  for (const s of paramSpecs(c)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const std = initStd(s, c);
    if (std === 'ones') data.fill(1);
    else for (let i = 0; i < n; i++) data[i] = randn(rng) * std;
    out.set(s.name, { shape: [...s.shape], data });
  }
  return out;
}

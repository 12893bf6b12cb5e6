// AssemblyScript source of the host AdamW update (compiled by `npm run build:kernels` into
// src/engine/backend/wasmKernels/adamwBinary.ts). It computes exactly what AdamW.applyHost's JavaScript loop computes:
// every operation in float64 in the same order (two lanes at a time), each stored value rounded once to float32, so
// the weights and moments are bit for bit the same; wasm's f64x2 arithmetic is IEEE like JavaScript's numbers.
//
// For j < n: gj = g[j]·scale; mj = β1·m[j] + (1−β1)·gj; vj = β2·v[j] + ((1−β2)·gj)·gj;
// w[j] = w[j]·decay − (stepSize·mj) / (√vj·invSqrtBc2 + ε); m[j], v[j], w[j] updated in place (float32).
// `sumSquares` is the squared norm of g, summed in float64 from j = 0 up, as the trainer's loop does.

export { reserve } from './reserve';

/** Σ g[j]² in float64, in index order (a running scalar sum: the order fixes the result). */
export function sumSquares(g: usize, n: i32, start: f64): f64 {
  let s = start;
  for (let j = 0; j < n; j++) {
    const x = <f64>load<f32>(g + ((<usize>j) << 2));
    s += x * x;
  }
  return s;
}

export function adamw(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  scale: f64,
  beta1: f64,
  oneMinusBeta1: f64,
  beta2: f64,
  oneMinusBeta2: f64,
  stepSize: f64,
  invSqrtBc2: f64,
  eps: f64,
  decay: f64,
): void {
  const sc = f64x2.splat(scale);
  const b1 = f64x2.splat(beta1);
  const c1 = f64x2.splat(oneMinusBeta1);
  const b2 = f64x2.splat(beta2);
  const c2 = f64x2.splat(oneMinusBeta2);
  const ss = f64x2.splat(stepSize);
  const ib = f64x2.splat(invSqrtBc2);
  const ep = f64x2.splat(eps);
  const dc = f64x2.splat(decay);
  const n2 = n & ~1;
  let j = 0;
  for (; j < n2; j += 2) {
    const o = (<usize>j) << 2;
    const gj = f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(g + o)), sc);
    const mj = f64x2.add(f64x2.mul(b1, f64x2.promote_low_f32x4(v128.load64_zero(m + o))), f64x2.mul(c1, gj));
    const vj = f64x2.add(
      f64x2.mul(b2, f64x2.promote_low_f32x4(v128.load64_zero(v + o))),
      f64x2.mul(f64x2.mul(c2, gj), gj),
    );
    const wj = f64x2.sub(
      f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(w + o)), dc),
      f64x2.div(f64x2.mul(ss, mj), f64x2.add(f64x2.mul(f64x2.sqrt(vj), ib), ep)),
    );
    v128.store64_lane(m + o, f32x4.demote_f64x2_zero(mj), 0);
    v128.store64_lane(v + o, f32x4.demote_f64x2_zero(vj), 0);
    v128.store64_lane(w + o, f32x4.demote_f64x2_zero(wj), 0);
  }
  for (; j < n; j++) {
    const o = (<usize>j) << 2;
    const gj = <f64>load<f32>(g + o) * scale;
    const mj = beta1 * <f64>load<f32>(m + o) + oneMinusBeta1 * gj;
    const vj = beta2 * <f64>load<f32>(v + o) + oneMinusBeta2 * gj * gj;
    const wj = <f64>load<f32>(w + o) * decay - (stepSize * mj) / (Math.sqrt(vj) * invSqrtBc2 + eps);
    store<f32>(m + o, <f32>mj);
    store<f32>(v + o, <f32>vj);
    store<f32>(w + o, <f32>wj);
  }
}

// AssemblyScript source of the wasm backend's Exp (compiled by `npm run build:kernels` into
// src/engine/backend/wasmKernels/expBinary.ts). tfjs-wasm's Exp calls libc's expf once per element: musl's expf, whose
// float64 steps cost about 11 ns an element, and a real T5's loss takes exp twice over its [positions, vocabulary]
// logits (8 M floats at batch 16 × 16 output tokens). This is the same algorithm, step for step in float64 with the same
// constants and table, two lanes at a time, so every result is the same bit for bit (test/wasm-exp.test.ts checks it
// against tfjs's own kernel): exp(x) = 2^(k/32)·2^(r/32) with k = round(x·32/ln 2), the first factor from the table,
// the second a cubic in r; a group of four with any |x| ≥ 88 or NaN takes the scalar path, with expf's special cases.
//
// The module imports its memory (tfjs-wasm's heap, or one of its own) and keeps no data of its own there: the caller
// writes the table (tableBits in src/engine/backend/wasmKernels/exp.ts) into that memory and passes where it lies.

export { reserve } from './reserve';

const N: f64 = 32;
const INV_LN2_N: f64 = reinterpret<f64>(0x3ff71547652b82fe) * N; // 0x1.71547652b82fep+0 · N
const SHIFT: f64 = reinterpret<f64>(0x4338000000000000); // 0x1.8p+52
const C0: f64 = reinterpret<f64>(0x3fac6af84b912394) / N / N / N; // 0x1.c6af84b912394p-5 / N³
const C1: f64 = reinterpret<f64>(0x3fcebfce50fac4f3) / N / N; // 0x1.ebfce50fac4f3p-3 / N²
const C2: f64 = reinterpret<f64>(0x3fe62e42ff0c52d6) / N; // 0x1.62e42ff0c52d6p-1 / N

/** y[i] = e^x[i] for i < n, float32; `table` holds the 32 float64 bit patterns of tableBits. y may be x. */
export function exp(x: usize, y: usize, n: i32, table: usize): void {
  const n4 = n & ~3;
  const limit = f32x4.splat(88);
  let i = 0;
  for (; i < n4; i += 4) {
    const p = (<usize>i) << 2;
    const v = v128.load(x + p);
    // Not |x| < 88: also true for NaN.
    if (v128.any_true(v128.not(f32x4.lt(f32x4.abs(v), limit)))) {
      for (let j: usize = 0; j < 16; j += 4) store<f32>(y + p + j, expScalar(load<f32>(x + p + j), table));
      continue;
    }
    const lo = twoLanes(f64x2.promote_low_f32x4(v), table);
    const hi = twoLanes(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)), table);
    v128.store(y + p, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < n; i++) store<f32>(y + ((<usize>i) << 2), expScalar(load<f32>(x + ((<usize>i) << 2)), table));
}

/** e^x in float64 for two lanes with |x| < 88, before the final rounding to float32. */
function twoLanes(xd: v128, table: usize): v128 {
  const z = f64x2.mul(f64x2.splat(INV_LN2_N), xd);
  let kd = f64x2.add(z, f64x2.splat(SHIFT));
  const ki = kd; // its bits: k in the low ones
  kd = f64x2.sub(kd, f64x2.splat(SHIFT));
  const r = f64x2.sub(z, kd);
  const t0 = load<u64>(table + ((<usize>((<i32>i64x2.extract_lane(ki, 0)) & 31)) << 3));
  const t1 = load<u64>(table + ((<usize>((<i32>i64x2.extract_lane(ki, 1)) & 31)) << 3));
  const s = i64x2.add(i64x2.replace_lane(i64x2.splat(t0), 1, t1), i64x2.shl(ki, 47));
  const zz = f64x2.add(f64x2.mul(f64x2.splat(C0), r), f64x2.splat(C1));
  const r2 = f64x2.mul(r, r);
  let yy = f64x2.add(f64x2.mul(f64x2.splat(C2), r), f64x2.splat(1));
  yy = f64x2.add(f64x2.mul(zz, r2), yy);
  return f64x2.mul(yy, s);
}

/** One element, with expf's special cases: −∞ → 0, ∞ and NaN → x + x, overflow → ∞, underflow → 0. */
function expScalar(x: f32, table: usize): f32 {
  const bits = reinterpret<u32>(x);
  if (((bits >> 20) & 0x7ff) >= 0x42b) {
    if (bits == 0xff800000) return 0;
    if (((bits >> 20) & 0x7ff) >= 0x7f8) return x + x;
    if (x > reinterpret<f32>(0x42b17217)) return Infinity; // 0x1.62e42ep6: log(2^128)
    if (x < reinterpret<f32>(0xc2cff1b4)) return 0; // −0x1.9fe368p6: log(2^-150)
  }
  const xd = <f64>x;
  const z = INV_LN2_N * xd;
  let kd = z + SHIFT;
  const ki = reinterpret<u64>(kd);
  kd -= SHIFT;
  const r = z - kd;
  const s = reinterpret<f64>(load<u64>(table + ((<usize>(ki & 31)) << 3)) + (ki << 47));
  const zz = C0 * r + C1;
  const r2 = r * r;
  let yy = C2 * r + 1;
  yy = zz * r2 + yy;
  return <f32>(yy * s);
}

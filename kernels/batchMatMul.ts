// AssemblyScript source of the wasm backend's matrix products (compiled by `npm run build:kernels` into
// src/engine/backend/wasmKernels/batchMatMulBinary.ts). tfjs-wasm runs a product whose both operands carry a batch
// dimension (attention's q·kᵀ and p·v, forward and backward) as a scalar loop, and one with a transposed operand far
// slower than a plain one; this one uses 128-bit SIMD and transposes for free. `bmm` runs batched and smaller
// products, `gemm` (below) large 2-D ones, blocked for the cache.
//
// C[p] = op(A[p]) · op(B[p]) for p < batch, float32, row-major; op transposes when ta / tb is 1. C[p] is M×N.
// The module imports its memory: on tfjs-wasm's heap it reads and writes the tensors in place; on a memory of its own
// the caller copies A and B in (see reserve) and the result out.

export { reserve } from './reserve';

/** `scratch` holds K·N floats: where B[p] is packed as K×N when tb is set. */
export function bmm(
  a: usize,
  b: usize,
  c: usize,
  scratch: usize,
  batch: i32,
  m: i32,
  k: i32,
  n: i32,
  ta: i32,
  tb: i32,
): void {
  // A(i, kk) is at A[i·rowStride + kk·colStride].
  const rowStride: usize = ta ? 1 : <usize>k;
  const colStride: usize = ta ? <usize>m : 1;
  const n16 = n & ~15;
  const n4 = n & ~3;
  for (let p = 0; p < batch; p++) {
    const ap = a + ((<usize>(p * m * k)) << 2);
    let bp = b + ((<usize>(p * k * n)) << 2);
    if (tb) {
      // Bᵀ is stored N×K: scratch gets it as K×N, 4×4 blocks at a time, then the edges.
      const k4 = k & ~3;
      for (let j = 0; j < n4; j += 4)
        for (let kk = 0; kk < k4; kk += 4)
          transpose4(
            bp + ((<usize>(j * k + kk)) << 2),
            (<usize>k) << 2,
            scratch + ((<usize>(kk * n + j)) << 2),
            (<usize>n) << 2,
          );
      for (let kk = 0; kk < k; kk++) {
        for (let j = kk < k4 ? n4 : 0; j < n; j++)
          store<f32>(scratch + ((<usize>(kk * n + j)) << 2), load<f32>(bp + ((<usize>(j * k + kk)) << 2)));
      }
      bp = scratch;
    }
    const cp = c + ((<usize>(p * m * n)) << 2);
    const bRow = (<usize>n) << 2;
    const aStep = colStride << 2;
    const aRow = rowStride << 2;
    // Blocks of sixteen columns outermost: a block's K×16 panel of B stays in cache while every row of A passes over
    // it, two rows at a time (each load of B feeds both). Every C element still sums over kk in order.
    for (let j = 0; j < n16; j += 16) {
      const bj = bp + ((<usize>j) << 2);
      let i = 0;
      for (; i + 1 < m; i += 2)
        twoRows16(ap + <usize>i * aRow, aRow, aStep, bj, bRow, cp + ((<usize>(i * n + j)) << 2), k);
      if (i < m) oneRow16(ap + <usize>i * aRow, aStep, bj, bRow, cp + ((<usize>(i * n + j)) << 2), k);
    }
    if (n16 < n)
      for (let i = 0; i < m; i++)
        rowFrom(ap + <usize>i * aRow, aStep, bp, bRow, cp + ((<usize>(i * n)) << 2), n16, k, n4, n);
  }
}

/** C rows i and i + 1, sixteen columns: A's rows start at arow and arow + aRow, B's panel at bj. */
function twoRows16(arow: usize, aRow: usize, aStep: usize, bj: usize, bRow: usize, crow: usize, k: i32): void {
  let c0 = f32x4.splat(0),
    c1 = f32x4.splat(0),
    c2 = f32x4.splat(0),
    c3 = f32x4.splat(0),
    d0 = f32x4.splat(0),
    d1 = f32x4.splat(0),
    d2 = f32x4.splat(0),
    d3 = f32x4.splat(0);
  let ak = arow;
  let bk = bj;
  for (let kk = 0; kk < k; kk++) {
    const b0 = v128.load(bk);
    const b1 = v128.load(bk, 16);
    const b2 = v128.load(bk, 32);
    const b3 = v128.load(bk, 48);
    const av = f32x4.splat(load<f32>(ak));
    const aw = f32x4.splat(load<f32>(ak + aRow));
    c0 = f32x4.add(c0, f32x4.mul(av, b0));
    c1 = f32x4.add(c1, f32x4.mul(av, b1));
    c2 = f32x4.add(c2, f32x4.mul(av, b2));
    c3 = f32x4.add(c3, f32x4.mul(av, b3));
    d0 = f32x4.add(d0, f32x4.mul(aw, b0));
    d1 = f32x4.add(d1, f32x4.mul(aw, b1));
    d2 = f32x4.add(d2, f32x4.mul(aw, b2));
    d3 = f32x4.add(d3, f32x4.mul(aw, b3));
    ak += aStep;
    bk += bRow;
  }
  v128.store(crow, c0);
  v128.store(crow, c1, 16);
  v128.store(crow, c2, 32);
  v128.store(crow, c3, 48);
  const crow1 = crow + bRow;
  v128.store(crow1, d0);
  v128.store(crow1, d1, 16);
  v128.store(crow1, d2, 32);
  v128.store(crow1, d3, 48);
}

/** One C row, sixteen columns: one broadcast of A(i, kk) feeds four vector products. */
function oneRow16(arow: usize, aStep: usize, bj: usize, bRow: usize, crow: usize, k: i32): void {
  let c0 = f32x4.splat(0),
    c1 = f32x4.splat(0),
    c2 = f32x4.splat(0),
    c3 = f32x4.splat(0);
  let ak = arow;
  let bk = bj;
  for (let kk = 0; kk < k; kk++) {
    const av = f32x4.splat(load<f32>(ak));
    c0 = f32x4.add(c0, f32x4.mul(av, v128.load(bk)));
    c1 = f32x4.add(c1, f32x4.mul(av, v128.load(bk, 16)));
    c2 = f32x4.add(c2, f32x4.mul(av, v128.load(bk, 32)));
    c3 = f32x4.add(c3, f32x4.mul(av, v128.load(bk, 48)));
    ak += aStep;
    bk += bRow;
  }
  v128.store(crow, c0);
  v128.store(crow, c1, 16);
  v128.store(crow, c2, 32);
  v128.store(crow, c3, 48);
}

/** One row of C from column j on: four columns at a time, then one at a time. */
function rowFrom(
  arow: usize,
  aStep: usize,
  bp: usize,
  bRow: usize,
  crow: usize,
  j0: i32,
  k: i32,
  n4: i32,
  n: i32,
): void {
  let j = j0;
  for (; j < n4; j += 4) {
    let c0 = f32x4.splat(0);
    let ak = arow;
    let bk = bp + ((<usize>j) << 2);
    for (let kk = 0; kk < k; kk++) {
      c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(ak)), v128.load(bk)));
      ak += aStep;
      bk += bRow;
    }
    v128.store(crow + ((<usize>j) << 2), c0);
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    let ak = arow;
    let bk = bp + ((<usize>j) << 2);
    for (let kk = 0; kk < k; kk++) {
      s += load<f32>(ak) * load<f32>(bk);
      ak += aStep;
      bk += bRow;
    }
    store<f32>(crow + ((<usize>j) << 2), s);
  }
}

// The blocked 2-D product for large shapes (a real T5's vocabulary projection and its gradients). The product above
// walks B in panels K rows tall, which past a few MB fall out of cache (and, with a long row stride, out of the TLB):
// at [256,256]·[32128,256]ᵀ it ran several times slower than XNNPACK. Here B is packed KC rows by NC columns at a time
// into contiguous 16-column panels, and A MC rows by KC columns into contiguous row pairs, so each inner loop reads
// memory in order and a block stays in cache while it is used. K is blocked too, yet every C element still sums over kk
// in order from kk = 0: a later K block starts from the float32 sum the earlier ones stored in C, so the roundings are
// the same, one by one, as one pass from 0 to K.
const KC: i32 = 256;
const NC: i32 = 1024; // a multiple of 16
const MC: i32 = 64; // even

/** Floats of scratch `gemm` needs: one packed block of B and of A, and a 2×16 tile for the edges. */
export function gemmScratchFloats(): i32 {
  return KC * NC + KC * MC + 32;
}

/** C = op(A)·op(B), one M×N product; `scratch` holds gemmScratchFloats() floats. */
export function gemm(a: usize, b: usize, c: usize, scratch: usize, m: i32, k: i32, n: i32, ta: i32, tb: i32): void {
  const bPack = scratch;
  const aPack = scratch + ((<usize>(KC * NC)) << 2);
  const tile = aPack + ((<usize>(KC * MC)) << 2);
  // A(i, kk) at a[i·aRs + kk·aCs]; B(kk, j) at b[kk·bRs + j·bCs].
  const aRs: usize = ta ? 1 : <usize>k;
  const aCs: usize = ta ? <usize>m : 1;
  const bRs: usize = tb ? 1 : <usize>n;
  const bCs: usize = tb ? <usize>k : 1;
  const cRow = (<usize>n) << 2;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    const panels = (nc + 15) >> 4;
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = min(KC, k - k0);
      packB(b, bRs, bCs, bPack, j0, k0, kc, panels, n, tb);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packA(a, aRs, aCs, aPack, i0, k0, kc, mc, ta);
        for (let p = 0; p < panels; p++) {
          const jb = j0 + (p << 4);
          const w = min(16, n - jb);
          const bp = bPack + ((<usize>(p * kc)) << 6);
          for (let ii = 0; ii < mc; ii += 2) {
            const rows = min(2, mc - ii);
            const ap = aPack + ((<usize>(ii * kc)) << 2);
            const cp = c + ((<usize>((i0 + ii) * n + jb)) << 2);
            if (w == 16 && rows == 2) {
              micro(ap, bp, kc, cp, cRow, k0 == 0);
            } else {
              // An edge: through a full tile, of which only the rows and columns C has are read and written.
              if (k0 > 0) tileCopy(cp, cRow, tile, 64, rows, w);
              micro(ap, bp, kc, tile, 64, k0 == 0);
              tileCopy(tile, 64, cp, cRow, rows, w);
            }
          }
        }
      }
    }
  }
}

/** B's rows k0…k0+kc, columns j0… as `panels` panels of kc×16 floats (columns past N zero). */
function packB(
  b: usize,
  bRs: usize,
  bCs: usize,
  dst: usize,
  j0: i32,
  k0: i32,
  kc: i32,
  panels: i32,
  n: i32,
  tb: i32,
): void {
  for (let p = 0; p < panels; p++) {
    const panel = dst + ((<usize>(p * kc)) << 6);
    const jb = j0 + (p << 4);
    const w = min(16, n - jb);
    if (tb && w == 16) {
      // Bᵀ is stored: the panel's rows are its columns, 4×4 blocks at a time, then the last rows.
      const kc4 = kc & ~3;
      const src = b + ((<usize>jb * bCs + <usize>k0) << 2);
      for (let jj = 0; jj < 16; jj += 4)
        for (let kk = 0; kk < kc4; kk += 4)
          transpose4(
            src + ((<usize>jj * bCs + <usize>kk) << 2),
            bCs << 2,
            panel + ((<usize>((kk << 4) + jj)) << 2),
            64,
          );
      for (let kk = kc4; kk < kc; kk++)
        for (let jj = 0; jj < 16; jj++)
          store<f32>(panel + ((<usize>((kk << 4) + jj)) << 2), load<f32>(src + ((<usize>jj * bCs + <usize>kk) << 2)));
    } else if (tb) {
      for (let jj = 0; jj < 16; jj++)
        for (let kk = 0; kk < kc; kk++)
          store<f32>(
            panel + ((<usize>((kk << 4) + jj)) << 2),
            jj < w ? load<f32>(b + ((<usize>(k0 + kk) * bRs + <usize>(jb + jj) * bCs) << 2)) : 0,
          );
    } else {
      for (let kk = 0; kk < kc; kk++)
        for (let jj = 0; jj < 16; jj++)
          store<f32>(
            panel + ((<usize>((kk << 4) + jj)) << 2),
            jj < w ? load<f32>(b + ((<usize>(k0 + kk) * bRs + <usize>(jb + jj) * bCs) << 2)) : 0,
          );
    }
  }
}

/**
 * A's rows i0…i0+mc, columns k0…k0+kc as row pairs, each kc·2 floats: pair q holds A(i0 + 2q, k0 + kk) and
 * A(i0 + 2q + 1, k0 + kk) side by side for kk in order, as the 2×16 tile reads them (contiguous, so a pair stays in a
 * few cache lines); a last odd row is paired with zeros.
 */
function packA(a: usize, aRs: usize, aCs: usize, dst: usize, i0: i32, k0: i32, kc: i32, mc: i32, ta: i32): void {
  const mc2 = mc & ~1;
  if (ta) {
    // Aᵀ is stored: a pair's two floats lie side by side in each row of it.
    for (let ii = 0; ii < mc2; ii += 2) {
      const d = dst + ((<usize>(ii * kc)) << 2);
      for (let kk = 0; kk < kc; kk++)
        store<u64>(d + ((<usize>kk) << 3), load<u64>(a + ((<usize>(i0 + ii) * aRs + <usize>(k0 + kk) * aCs) << 2)));
    }
  } else {
    // A is row-major: two rows, four columns at a time, interleaved by two shuffles; then the last columns.
    const kc4 = kc & ~3;
    for (let ii = 0; ii < mc2; ii += 2) {
      const r0 = a + ((<usize>(i0 + ii) * aRs + <usize>k0) << 2);
      const r1 = r0 + (aRs << 2);
      const d = dst + ((<usize>(ii * kc)) << 2);
      for (let kk = 0; kk < kc4; kk += 4) {
        const x = v128.load(r0 + ((<usize>kk) << 2));
        const y = v128.load(r1 + ((<usize>kk) << 2));
        v128.store(d + ((<usize>kk) << 3), v128.shuffle<f32>(x, y, 0, 4, 1, 5));
        v128.store(d + ((<usize>kk) << 3), v128.shuffle<f32>(x, y, 2, 6, 3, 7), 16);
      }
      for (let kk = kc4; kk < kc; kk++) {
        store<f32>(d + ((<usize>kk) << 3), load<f32>(r0 + ((<usize>kk) << 2)));
        store<f32>(d + ((<usize>kk) << 3), load<f32>(r1 + ((<usize>kk) << 2)), 4);
      }
    }
  }
  if (mc2 < mc) {
    const d = dst + ((<usize>(mc2 * kc)) << 2);
    for (let kk = 0; kk < kc; kk++) {
      store<f32>(d + ((<usize>kk) << 3), load<f32>(a + ((<usize>(i0 + mc2) * aRs + <usize>(k0 + kk) * aCs) << 2)));
      store<f32>(d + ((<usize>kk) << 3), 0, 4);
    }
  }
}

/**
 * Two rows by sixteen columns of C over kc: from zero when `first`, else on from the sums C holds. twoRows16 with the
 * packed blocks' strides; one function serving both measured 3 % slower on the forgetting demo (whose products are all
 * twoRows16's), so each keeps its own.
 */
function micro(ap: usize, bp: usize, kc: i32, cp: usize, cRow: usize, first: bool): void {
  const cq = cp + cRow;
  let c0 = f32x4.splat(0),
    c1 = f32x4.splat(0),
    c2 = f32x4.splat(0),
    c3 = f32x4.splat(0),
    d0 = f32x4.splat(0),
    d1 = f32x4.splat(0),
    d2 = f32x4.splat(0),
    d3 = f32x4.splat(0);
  if (!first) {
    c0 = v128.load(cp);
    c1 = v128.load(cp, 16);
    c2 = v128.load(cp, 32);
    c3 = v128.load(cp, 48);
    d0 = v128.load(cq);
    d1 = v128.load(cq, 16);
    d2 = v128.load(cq, 32);
    d3 = v128.load(cq, 48);
  }
  let ak = ap;
  let bk = bp;
  for (let kk = 0; kk < kc; kk++) {
    const b0 = v128.load(bk);
    const b1 = v128.load(bk, 16);
    const b2 = v128.load(bk, 32);
    const b3 = v128.load(bk, 48);
    const av = f32x4.splat(load<f32>(ak));
    const aw = f32x4.splat(load<f32>(ak, 4));
    c0 = f32x4.add(c0, f32x4.mul(av, b0));
    c1 = f32x4.add(c1, f32x4.mul(av, b1));
    c2 = f32x4.add(c2, f32x4.mul(av, b2));
    c3 = f32x4.add(c3, f32x4.mul(av, b3));
    d0 = f32x4.add(d0, f32x4.mul(aw, b0));
    d1 = f32x4.add(d1, f32x4.mul(aw, b1));
    d2 = f32x4.add(d2, f32x4.mul(aw, b2));
    d3 = f32x4.add(d3, f32x4.mul(aw, b3));
    ak += 8;
    bk += 64;
  }
  v128.store(cp, c0);
  v128.store(cp, c1, 16);
  v128.store(cp, c2, 32);
  v128.store(cp, c3, 48);
  v128.store(cq, d0);
  v128.store(cq, d1, 16);
  v128.store(cq, d2, 32);
  v128.store(cq, d3, 48);
}

/** `rows` rows of `w` floats from one tile to another. */
function tileCopy(src: usize, srcRow: usize, dst: usize, dstRow: usize, rows: i32, w: i32): void {
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < w; j++)
      store<f32>(dst + <usize>r * dstRow + ((<usize>j) << 2), load<f32>(src + <usize>r * srcRow + ((<usize>j) << 2)));
}

/** A 4×4 block transposed: row r of the source (4 floats at src + r·srcRow) becomes column r at dst. */
function transpose4(src: usize, srcRow: usize, dst: usize, dstRow: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcRow);
  const r2 = v128.load(src + 2 * srcRow);
  const r3 = v128.load(src + 3 * srcRow);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstRow, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstRow, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstRow, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

// AssemblyScript source of the wasm backend's batched and transposed matrix products (compiled by
// `npm run build:kernels` into src/engine/backend/wasmKernels/batchMatMulBinary.ts). tfjs-wasm runs a product whose
// both operands carry a batch dimension (attention's q·kᵀ and p·v, forward and backward) as a scalar loop, and one
// with a transposed operand far slower than a plain one; this one uses 128-bit SIMD and transposes for free.
//
// C[p] = op(A[p]) · op(B[p]) for p < batch, float32, row-major; op transposes when ta / tb is 1. C[p] is M×N.
// The module imports its memory: on tfjs-wasm's heap it reads and writes the tensors in place; on a memory of its own
// the caller copies A and B in (see reserve) and the result out.

/** Makes room for `bytes` bytes and returns where they start (16-byte aligned). */
export function reserve(bytes: i32): usize {
  const base = (__heap_base + 15) & ~15;
  const need = base + <usize>bytes;
  const have = (<usize>memory.size()) << 16;
  if (need > have) memory.grow(<i32>((need - have + 0xffff) >>> 16));
  return base;
}

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
      for (let kk = 0; kk < k; kk++) {
        for (let j = 0; j < n; j++)
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

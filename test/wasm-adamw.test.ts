// The host AdamW kernel (kernels/adamw.ts): its embedded binary is what the source compiles to, and it updates weights
// and moments bit for bit as the JavaScript loop does (odd lengths exercise its scalar tail), and sums squares in the
// same order as a plain float64 loop. On the wasm backend the trainer's host update runs it on the heap in place: the
// same weights and moments as the loop on copies, with no buffer written that another tensor shares.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { hostAdamWKernel } from '../src/engine/backend/wasmKernels/adamw';
import { adamwLoop } from '../src/engine/train/adamw';
import { compileWasmKernel, embeddedModule, wasmKernelSources } from '../scripts/wasmKernels';
import { makeRng, randn } from '../src/engine/util/rng';
import { Trainer } from '../src/engine/train/trainer';
import { learningRate } from '../src/engine/train/schedule';
import { makeModel, randomBatch, tinyConfig, useBackend } from './helpers/tf';

const rng = makeRng(5);
const randomArray = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * randn(rng));
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer.slice(0)));

describe('host AdamW kernel (wasm SIMD)', () => {
  it('the embedded binary is what kernels/adamw.ts compiles to', async () => {
    const k = wasmKernelSources.find((s) => s.source === 'kernels/adamw.ts');
    if (!k) throw new Error('kernels/adamw.ts is not among the kernel sources');
    expect(readFileSync(k.out, 'utf8')).toBe(embeddedModule(k, await compileWasmKernel(k.source)));
  });

  it('equals the JavaScript update bit for bit over several steps', () => {
    const kernel = hostAdamWKernel();
    if (!kernel) throw new Error('this Node has no wasm SIMD');
    for (const n of [1, 2, 7, 64, 1001]) {
      const w0 = randomArray(n);
      const [wa, wb] = [new Float32Array(w0), new Float32Array(w0)];
      const [ma, mb, va, vb] = [0, 0, 0, 0].map(() => new Float32Array(n));
      for (let t = 1; t <= 4; t++) {
        const g = randomArray(n, 0.1);
        const s = {
          scale: 0.73,
          beta1: 0.9,
          beta2: 0.999,
          stepSize: 5e-4 / (1 - 0.9 ** t),
          invSqrtBc2: 1 / Math.sqrt(1 - 0.999 ** t),
          eps: 1e-8,
          decay: t % 2 ? 1 : 1 - 5e-4 * 0.01,
        };
        adamwLoop(wa, g, ma, va, s);
        kernel.update(wb, g, mb, vb, s);
      }
      expect(bits(wb), `w, n=${n}`).toEqual(bits(wa));
      expect(bits(mb), `m, n=${n}`).toEqual(bits(ma));
      expect(bits(vb), `v, n=${n}`).toEqual(bits(va));
      expect(bits(wb)).not.toEqual(bits(w0));
    }
  });

  it('sums squares across arrays in index order, as a float64 loop', () => {
    const kernel = hostAdamWKernel();
    if (!kernel) throw new Error('this Node has no wasm SIMD');
    const arrays = [randomArray(5), randomArray(1000, 1e3), randomArray(3, 1e-3)];
    let want = 0;
    for (const g of arrays) for (let j = 0; j < g.length; j++) want += g[j] * g[j];
    expect(kernel.sumSquares(arrays)).toBe(want);
  });
});

describe('the host update on the wasm heap', () => {
  it('steps the weights and moments as the JavaScript loop does on copies, never writing a buffer in place', async () => {
    await useBackend('wasm');
    const c = tinyConfig();
    const model = makeModel(c);
    const trainer = new Trainer(model, {
      steps: 10,
      lr: 1e-2,
      warmupSteps: 0,
      weightDecay: 0.01,
      batchSize: 2,
      clipNorm: 0.5,
      seed: 1,
    });
    const batch = randomBatch(c, 2, 5, 4);
    const names = [...model.params.keys()];
    const vars = names.map((n) => model.params.get(n)!);
    const [m, v] = [vars.map((x) => new Float32Array(x.size)), vars.map((x) => new Float32Array(x.size))];
    const counts: number[] = [];
    for (let t = 1; t <= 3; t++) {
      // The reference: the same gradients read as copies, the update in the JavaScript loop.
      const { value, grads } = tf.variableGrads(() => model.loss(batch, true), vars);
      const g = names.map((n) => grads[model.params.get(n)!.name].dataSync() as Float32Array);
      tf.dispose([value, ...Object.values(grads)]);
      let sq = 0;
      for (const a of g) for (let j = 0; j < a.length; j++) sq += a[j] * a[j];
      const scale = 0.5 / Math.max(Math.sqrt(sq), 0.5);
      const want = vars.map((x, i) => {
        const w = new Float32Array(x.dataSync());
        const lr = learningRate(t - 1, 10, 1e-2, 0);
        const decay = names[i].includes('layer_norm') ? 1 : 1 - lr * 0.01;
        const s = { scale, beta1: 0.9, beta2: 0.999, stepSize: lr / (1 - 0.9 ** t), eps: 1e-8, decay };
        adamwLoop(w, g[i], m[i], v[i], { ...s, invSqrtBc2: 1 / Math.sqrt(1 - 0.999 ** t) });
        return w;
      });
      const kept = tf.clone(vars[0]); // shares the weight's buffer: the update must not write into it
      const keptBits = bits(kept.dataSync() as Float32Array);
      await trainer.step(batch, t - 1, 10);
      expect(bits(kept.dataSync() as Float32Array)).toEqual(keptBits);
      kept.dispose();
      vars.forEach((x, i) =>
        expect(bits(x.dataSync() as Float32Array), `${names[i]}, step ${t}`).toEqual(bits(want[i])),
      );
      counts.push(tf.memory().numTensors);
    }
    expect(counts[2]).toBe(counts[0]); // nothing left behind by a step
    const state = trainer.optimizer.exportState()!;
    const flat = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => Array.from(p)));
    expect(bits(state.m)).toEqual(bits(flat(m)));
    expect(bits(state.v)).toEqual(bits(flat(v)));
    trainer.dispose();
    expect(counts[2] - tf.memory().numTensors).toBe(2 * names.length); // the moments, a pair per tensor, released
    tf.dispose(Object.values(batch));
    model.dispose();
  });
});

// Benchmarks of one preset on the active backend, full fine-tuning or LoRA (frozen base): training step time (with and
// without KIF importance tracking), time per phase (forward, backward, optimizer, importance), tokens per second,
// kernels per step, achieved GFLOP/s, decode speed with and without the key/value cache, memory over many steps, peak
// bytes (tensors, host, GPU), and fusion time. Runs wherever the engine runs (Node, the browser); the hosts only print
// the figures.
import * as tf from '@tensorflow/tfjs';
import { presetConfig, type T5Config } from '../model/config';
import { initWeights } from '../model/init';
import { paramSpecs, numParams } from '../model/paramSpec';
import { T5Model } from '../model/t5';
import { greedyDecode } from '../model/greedy';
import { Trainer, type TrainHooks } from '../train/trainer';
import { LoraAdapter } from '../model/lora';
import { loraDefaults } from '../model/loraOptions';
import { packBatch, disposeBatch } from '../train/batching';
import { ImportanceTracker, trackingHooks } from '../kif/importance';
import { buildUnits } from '../kif/units';
import { applyFusion, planFusion } from '../kif/fusion';
import { makeRng, randInt } from '../util/rng';
import { forwardFlops, trainStepFlops } from './flops';
import { median, quantile, round } from './stats';

export interface BenchShape {
  batch: number;
  inLen: number;
  outLen: number;
}

/** full: every parameter trains; lora: the base is frozen and rank-8 adapters on q and v train (KIF.md §4). */
export type BenchMode = 'full' | 'lora';
export const benchModes: readonly BenchMode[] = ['full', 'lora'];

export interface BenchOptions {
  preset: string;
  mode?: BenchMode;
  shape: BenchShape;
  warmup: number;
  repeats: number;
  /** Steps for the memory check (tensors after 10 steps vs after this many). 0 skips it. */
  memorySteps: number;
  /**
   * The host's CPU time of this process in ms, where it has one (Node: process.cpuUsage). Single-threaded backends
   * then also report CPU time per step, which other jobs on a shared machine do not inflate as they do wall time.
   */
  cpuClock?: () => number;
  /** The host process's resident bytes, where the host can tell (Node: RSS, which holds the wasm heap). */
  hostBytes?: () => number;
  /**
   * The timed repeats split into this many rounds, betweenRounds called after each: a host measuring a peer (PyTorch)
   * runs it there, so both sides alternate and the machine's load falls on both. Default 1.
   */
  rounds?: number;
  /** Skip the decode and fusion timings (false by default), which cost minutes at t5-small on 2 cores. */
  skipExtras?: boolean;
  betweenRounds?: (round: number) => Promise<void>;
}

export interface BenchResult {
  preset: string;
  mode: BenchMode;
  backend: string;
  params: number;
  /** Parameters that train: all of them (full) or the adapters' (lora). */
  trainableParams: number;
  shape: BenchShape;
  stepMs: { median: number; p10: number; p90: number };
  /** Median step time of each round (see BenchOptions.rounds). */
  stepMsByRound: number[];
  /** Input and output tokens trained per second at the median step time. */
  tokensPerSec: number;
  /**
   * Median ms per step of each phase: forward (the loss alone, timed on its own), backward (gradients minus forward),
   * optimizer (clipping and AdamW, gradients read included), importance (the tracked step minus the plain one, per pair).
   * On GPU backends the phases are as the host sees them (work queued, then awaited at the update's readback).
   */
  phasesMs: { forward: number; backward: number; optimizer: number; importance: number };
  /** Median CPU time of this process per step (hosts with a cpuClock only). */
  stepCpuMs?: number;
  stepMsWithImportance: number;
  importanceRatio: number;
  kernelsPerStep: number;
  /** Reads from the backend per plain step (data()/dataSync() of any tensor): on a GPU each is a copy back to the host. */
  readbacksPerStep: number;
  /** Of those, synchronous ones (dataSync), which stall the GPU queue. */
  syncReadbacksPerStep: number;
  gflops: number;
  decodeTokensPerSecCached: number;
  decodeTokensPerSecUncached: number;
  fusionMsPerMillionParams: number;
  /** Most tensor bytes alive at once during one training step (tf.profile's peakBytes; every backend). */
  peakStepBytes: number;
  /** Most GPU bytes the backend reported holding (pool included) after any step; GPU backends only. */
  peakGpuBytes?: number;
  /** Most host bytes seen after any step (hosts with hostBytes only). */
  peakHostBytes?: number;
  memory?: { stepsA: number; tensorsA: number; bytesA: number; stepsB: number; tensorsB: number; bytesB: number };
}

/** GPU bytes as the backend reports them: allocated (pool included) where known, else in use; undefined off GPU. */
function gpuBytes(): number | undefined {
  const m = tf.memory() as tf.MemoryInfo & {
    numBytesInGPU?: number;
    numBytesInGPUAllocated?: number;
    numBytesAllocatedInGPU?: number;
  };
  return m.numBytesInGPUAllocated ?? m.numBytesAllocatedInGPU ?? m.numBytesInGPU;
}

function randomRows(c: T5Config, s: BenchShape, seed: number) {
  const rng = makeRng(seed);
  const row = (n: number) => Array.from({ length: n }, () => randInt(rng, 3, c.vocabSize - 1));
  return Array.from({ length: s.batch }, () => ({ input: row(s.inLen), output: row(s.outLen) }));
}

const now = () => performance.now();

export async function benchPreset(opts: BenchOptions): Promise<BenchResult> {
  const c = presetConfig(opts.preset);
  const { shape } = opts;
  const mode = opts.mode ?? 'full';
  const model = new T5Model(c, initWeights(c, 0));
  const specs = paramSpecs(c);
  const adapter = mode === 'lora' ? new LoraAdapter(model, { ...loraDefaults, seed: 0 }) : undefined;
  const trainableNames = adapter ? new Set(adapter.paramNames()) : undefined;
  const base: TrainHooks = trainableNames ? { trainable: (n) => trainableNames.has(n) } : {};
  const trainer = new Trainer(model, {
    steps: 1_000_000,
    lr: 1e-4,
    warmupSteps: 0,
    weightDecay: 0.01,
    batchSize: shape.batch,
    clipNorm: 1,
    seed: 0,
  });
  const batch = packBatch(randomRows(c, shape, 1), {
    batchSize: shape.batch,
    inLen: shape.inLen,
    outLen: shape.outLen,
  });
  const tracker = new ImportanceTracker(adapter ? adapter.paramShapes() : specs);
  const withImportance = { ...base, ...trackingHooks(tracker, model.params) };
  let step = 0;
  let peakGpuBytes = gpuBytes();
  let peakHostBytes = opts.hostBytes?.();
  const plainCpu: number[] = [];
  const timeStep = async (hooks: TrainHooks, cpuTimes?: number[]) => {
    const c0 = opts.cpuClock?.();
    const t0 = now();
    await trainer.step(batch, step++, 1_000_000, hooks);
    const ms = now() - t0;
    if (opts.cpuClock && c0 !== undefined) cpuTimes?.push(opts.cpuClock() - c0);
    peakGpuBytes = maxDefined(peakGpuBytes, gpuBytes());
    peakHostBytes = maxDefined(peakHostBytes, opts.hostBytes?.());
    return ms;
  };
  const timeForward = async () => {
    const t0 = now();
    const loss = tf.tidy(() => model.loss(batch, true));
    await loss.data();
    loss.dispose();
    return now() - t0;
  };
  try {
    for (let i = 0; i < opts.warmup; i++) {
      await timeStep(base);
      await timeStep(withImportance);
      await timeForward();
    }
    // Interleaved pairs, the order alternating, so that machine noise and any cost a step leaves to the next fall on
    // both alike; the ratio is the median of the pairs' ratios, taken within one run.
    const plain: number[] = [];
    const tracked: number[] = [];
    const forward: number[] = [];
    const gradients: number[] = [];
    const update: number[] = [];
    const plainStep = async () => {
      plain.push(await timeStep(base, plainCpu));
      gradients.push(trainer.lastPhases.gradientsMs);
      update.push(trainer.lastPhases.updateMs);
    };
    const rounds = Math.max(1, Math.min(opts.rounds ?? 1, opts.repeats));
    const byRound: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const from = plain.length;
      const end = Math.round(((r + 1) * opts.repeats) / rounds);
      for (let i = Math.round((r * opts.repeats) / rounds); i < end; i++) {
        if (i % 2 === 0) {
          await plainStep();
          tracked.push(await timeStep(withImportance));
        } else {
          tracked.push(await timeStep(withImportance));
          await plainStep();
        }
        forward.push(await timeForward());
      }
      byRound.push(round(median(plain.slice(from))));
      await opts.betweenRounds?.(r);
    }
    const profile = await tf.profile(async () => void (await trainer.step(batch, step++, 1_000_000, base)));
    const reads = await countReadbacks(() => trainer.step(batch, step++, 1_000_000, base));
    const stepMedian = median(plain);
    const forwardMs = median(forward);

    const tokensPerSec = async (cache: boolean) => {
      const run = () => greedyDecode(model, batch.inputIds, batch.inputMask, { maxLen: shape.outLen, cache });
      await run();
      const t0 = now();
      await run();
      return (shape.batch * shape.outLen) / ((now() - t0) / 1000);
    };
    const decodeCached = opts.skipExtras ? NaN : await tokensPerSec(true);
    const decodeUncached = opts.skipExtras ? NaN : await tokensPerSec(false);

    const fusionMs = opts.skipExtras ? NaN : await timeFusion(model, specs, c);

    let memory: BenchResult['memory'];
    if (opts.memorySteps > 10) {
      const mem = { stepsA: 10, tensorsA: 0, bytesA: 0, stepsB: opts.memorySteps, tensorsB: 0, bytesB: 0 };
      for (let i = 1; i <= opts.memorySteps; i++) {
        await trainer.step(batch, step++, 1_000_000, withImportance);
        peakGpuBytes = maxDefined(peakGpuBytes, gpuBytes());
        peakHostBytes = maxDefined(peakHostBytes, opts.hostBytes?.());
        if (i === 10 || i === opts.memorySteps) {
          const m = tf.memory();
          if (i === 10) [mem.tensorsA, mem.bytesA] = [m.numTensors, m.numBytes];
          else [mem.tensorsB, mem.bytesB] = [m.numTensors, m.numBytes];
        }
      }
      memory = mem;
    }
    const params = numParams(c);
    // LoRA's backward needs the activations' gradients but no base weight's: about one forward's work, not two.
    const flops =
      mode === 'lora'
        ? 2 * forwardFlops(c, shape.batch, shape.inLen, shape.outLen)
        : trainStepFlops(c, shape.batch, shape.inLen, shape.outLen);
    return {
      preset: opts.preset,
      mode,
      backend: tf.getBackend(),
      params,
      trainableParams: adapter
        ? adapter.paramShapes().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0)
        : params,
      shape,
      stepMs: { median: round(stepMedian), p10: round(quantile(plain, 0.1)), p90: round(quantile(plain, 0.9)) },
      stepMsByRound: byRound,
      tokensPerSec: round((shape.batch * (shape.inLen + shape.outLen)) / (stepMedian / 1000), 1),
      phasesMs: {
        forward: round(forwardMs),
        backward: round(Math.max(0, median(gradients) - forwardMs)),
        optimizer: round(median(update)),
        importance: round(median(tracked.map((t, i) => t - plain[i]))),
      },
      stepCpuMs: plainCpu.length ? round(median(plainCpu)) : undefined,
      stepMsWithImportance: round(median(tracked)),
      importanceRatio: round(median(tracked.map((t, i) => t / plain[i])), 3),
      kernelsPerStep: profile.kernels.length,
      readbacksPerStep: reads.reads,
      syncReadbacksPerStep: reads.sync,
      gflops: round(flops / (stepMedian / 1000) / 1e9, 3),
      decodeTokensPerSecCached: round(decodeCached, 1),
      decodeTokensPerSecUncached: round(decodeUncached, 1),
      fusionMsPerMillionParams: round((fusionMs / params) * 1e6, 2),
      peakStepBytes: profile.peakBytes,
      peakGpuBytes,
      peakHostBytes,
      memory,
    };
  } finally {
    disposeBatch(batch);
    tracker.dispose();
    trainer.dispose();
    adapter?.detach();
    model.dispose();
  }
}

/** Counts the active backend's reads (async and sync) while f runs. */
async function countReadbacks(f: () => Promise<unknown>): Promise<{ reads: number; sync: number }> {
  type Reader = { read: (...a: unknown[]) => unknown; readSync: (...a: unknown[]) => unknown };
  const b = tf.backend() as unknown as Reader;
  const { read, readSync } = b;
  const own = { read: Object.hasOwn(b, 'read'), readSync: Object.hasOwn(b, 'readSync') };
  const counts = { reads: 0, sync: 0 };
  // tfjs-wasm's read() calls its readSync(): only a readSync from outside a read counts as one.
  let inRead = false;
  b.read = (...a) => {
    counts.reads++;
    inRead = true;
    try {
      return read.apply(b, a);
    } finally {
      inRead = false;
    }
  };
  b.readSync = (...a) => {
    if (!inRead) (counts.reads++, counts.sync++);
    return readSync.apply(b, a);
  };
  try {
    await f();
  } finally {
    // Back to the prototype's methods (or the backend's own, where it had them).
    if (own.read) b.read = read;
    else delete (b as Partial<Reader>).read;
    if (own.readSync) b.readSync = readSync;
    else delete (b as Partial<Reader>).readSync;
  }
  return counts;
}

const maxDefined = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Median time of a hard fusion with tensor units of the model with a perturbed copy of itself, on device. */
async function timeFusion(model: T5Model, specs: ReturnType<typeof paramSpecs>, c: T5Config): Promise<number> {
  const units = buildUnits('tensor', specs, { numHeads: c.numHeads });
  const rng = makeRng(5);
  const prev = new Map(units.map((u) => [u.name, rng()]));
  const cur = new Map(units.map((u) => [u.name, rng()]));
  const other = new Map([...model.params].map(([k, v]) => [k, tf.tidy(() => tf.mul(v, 0.9))]));
  const times: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      const plan = planFusion(prev, cur, { kind: 'hard', gamma: 0.7, topPercent: 20 });
      const fused = applyFusion(other, model.params, units, plan.coeffs);
      await Promise.all([...fused.values()].map((t) => t.data()));
      times.push(now() - t0);
      tf.dispose([...fused.values()]);
    }
  } finally {
    tf.dispose([...other.values()]);
  }
  return median(times);
}

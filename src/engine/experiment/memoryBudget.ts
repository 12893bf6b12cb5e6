// Device memory a run needs, estimated before Run from the spec alone (model, batch, strategies) and set against what
// the active backend can hold: a run that cannot fit is refused with the numbers, one that comes close is warned of.
// The one estimator: the Hub model list (HubModels.tsx) asks it too, for each Hub config under the spec.
// Estimates, not measurements: they count the large buffers (float32 weights, gradients, AdamW's two moments, each
// strategy's weight-sized state, activations kept for the backward pass), which dominate every run here.
import type { T5Config } from '../model/config';
import { paramCount } from '../model/paramSpec';
import type { ExperimentSpec } from '../spec/experiment';
import { modelConfig } from './specCheck';

const F32 = 4;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/**
 * What each backend can hold: wasm's heap is a 32-bit memory that tfjs-wasm lets grow to 4 GiB (its getHeapMax); the
 * JavaScript cpu backend lives in the JS heap (about 4 GiB in Chromium and Node). WebGL and WebGPU do not tell a page
 * how much device memory there is, so these are assumptions: what a typical integrated GPU gives one tab.
 */
export const backendMemory: Readonly<Record<string, number>> = {
  wasm: 4 * GiB,
  webgl: 2 * GiB,
  webgpu: 4 * GiB,
  cpu: 4 * GiB,
};
/** The device memory this host reports in GiB (Chromium's navigator.deviceMemory, in pages and workers alike). */
const hostDeviceMemory = (): number | undefined =>
  (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;

/**
 * The memory a backend can give one run, in bytes: its table entry above (an unknown backend gets the smallest), and
 * never more than half of what the host reports, when it reports (a tab shares the machine). The one budget: the run's
 * check, the run bar and the Hub model list all ask this.
 */
export function backendBudget(backend: string, deviceMemoryGiB = hostDeviceMemory()): number {
  const table = backendMemory[backend] ?? Math.min(...Object.values(backendMemory));
  return deviceMemoryGiB === undefined ? table : Math.min(table, (deviceMemoryGiB * GiB) / 2);
}
/** Above this share of the budget a run gets a warning. */
export const WARN_SHARE = 0.7;

/**
 * Weight-sized copies a strategy keeps besides the model, its gradient and its optimizer moments: KIF its two
 * importance EMAs and the previous task's model, EWC its Fisher and anchor, LwF its teacher, weight averaging the
 * running average. Strategies of one run train one after another, so the largest counts.
 */
const strategyCopies: Readonly<Record<string, number>> = {
  'kif-hard': 3,
  'kif-soft': 3,
  'kif-replay': 3,
  ewc: 2,
  lwf: 1,
  'weight-avg': 1,
};

/**
 * LoRA strategies keep the base frozen (one copy: no gradient, no moments) and train small adapters; their adapters
 * with gradients and moments (O-LoRA: the earlier tasks' too; KIF: its importance state) add about this share of it.
 */
const loraShare: Readonly<Record<string, number>> = { seqlora: 0.1, olora: 0.2, 'kif-lora': 0.3 };

/** The model-sized buffers one strategy's training holds: weights (and gradients), moments, its own state. */
function modelParts(strategy: string, params: number) {
  const copy = F32 * params;
  if (strategy in loraShare) return { weights: copy, optimizer: 0, strategy: loraShare[strategy] * copy };
  return { weights: 2 * copy, optimizer: 2 * copy, strategy: (strategyCopies[strategy] ?? 0) * copy };
}

export interface MemoryEstimate {
  params: number;
  /** Bytes of each part and their sum. */
  weights: number;
  optimizer: number;
  strategy: number;
  activations: number;
  total: number;
}

/** Activations a training step keeps for its backward pass, per the T5 forward (attention scores, FFN, logits). */
function activationBytes(c: T5Config, batch: number, inLen: number, outLen: number): number {
  const h = c.numHeads;
  const inner = h * c.dKv;
  const ffn = (c.ffn === 'relu' ? 2 : 3) * c.dFf;
  // Per token and block: inputs and outputs of norms, q/k/v/o, residuals (~8 d-sized), the FFN's hidden layer(s).
  const perToken = 8 * c.dModel + 4 * inner + ffn;
  const encoder = c.numLayers * batch * inLen * (perToken + 2 * h * inLen);
  const decoder = c.numDecoderLayers * batch * outLen * (2 * perToken + 2 * h * (outLen + inLen));
  const logits = 3 * batch * outLen * c.vocabSize; // logits, softmax and their gradient
  return F32 * (encoder + decoder + logits);
}

/**
 * The peak over the spec's strategies (they train one after another). `loaded`: the config of a checkpoint the spec
 * names once the host has loaded it, or of a Hub model the page offers.
 */
export function estimateMemory(spec: ExperimentSpec, loaded?: T5Config): MemoryEstimate {
  const c = modelConfig(spec, loaded);
  const params = paramCount(c);
  const sum = (p: ReturnType<typeof modelParts>) => p.weights + p.optimizer + p.strategy;
  const { weights, optimizer, strategy } = spec.strategies
    .map((s) => modelParts(s.name, params))
    .reduce((a, b) => (sum(b) > sum(a) ? b : a), { weights: 0, optimizer: 0, strategy: 0 });
  const t = spec.training;
  const activations = activationBytes(c, t.batchSize, t.maxInputLen, t.maxOutputLen);
  return { params, weights, optimizer, strategy, activations, total: weights + optimizer + strategy + activations };
}

const fmt = (bytes: number) =>
  bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.max(1, Math.round(bytes / MiB))} MiB`;

export interface MemoryVerdict {
  estimate: MemoryEstimate;
  budget: number;
  /** Set when the run cannot fit: it is refused. */
  refusal?: string;
  /** Set when it fits with little room. */
  warning?: string;
}

/** The estimate against the backend's budget (`backendBudget`). */
export function memoryVerdict(
  spec: ExperimentSpec,
  backend: string,
  loaded?: T5Config,
  budget = backendBudget(backend),
): MemoryVerdict {
  const estimate = estimateMemory(spec, loaded);
  const e = estimate;
  const parts =
    `weights and gradients ${fmt(e.weights)} + AdamW moments ${fmt(e.optimizer)} + strategy state ${fmt(e.strategy)} + activations ${fmt(e.activations)}` +
    ` (${(e.params / 1e6).toFixed(1)} M parameters, batch ${spec.training.batchSize} × ${spec.training.maxInputLen} + ${spec.training.maxOutputLen} tokens)`;
  if (e.total > budget) {
    return {
      estimate,
      budget,
      refusal: `model: this run needs about ${fmt(e.total)} of memory, more than the ${fmt(budget)} the ${backend} backend can hold: ${parts}. Use a smaller model or batch, or shorter sequences.`,
    };
  }
  if (e.total > WARN_SHARE * budget) {
    return {
      estimate,
      budget,
      warning: `This run needs about ${fmt(e.total)} of the ${fmt(budget)} the ${backend} backend can hold (${Math.round((100 * e.total) / budget)}%): ${parts}. It may run out of memory.`,
    };
  }
  return { estimate, budget };
}

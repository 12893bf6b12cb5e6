// The paper's fusion constants, apart from the fusion code so the page can show them without loading TF.js.
export const fusionDefaults = {
  hard: { kind: 'hard', gamma: 0.7, topPercent: 20 },
  soft: { kind: 'soft', tau: 0.25 },
  /** β of the accumulation A_k = minmax(β·Â + (1−β)·Ŝ). */
  accumulateBeta: 0.7,
} as const;

// Learning rate: linear warm-up from 0, then linear decay to 0 at the last step (as transformers' linear schedule).
export function learningRate(step: number, total: number, peak: number, warmup: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  return peak * Math.max(0, (total - step) / Math.max(1, total - warmup));
}

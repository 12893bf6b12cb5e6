// Importance settings and metric names, apart from the metrics' tensor code so the page can show and check them
// without loading TF.js (importanceMetrics.ts implements exactly these names).
export const importanceMetricNames = ['first-order', 'second-order', 'plain', 'no-uncertainty', 'no-ema'] as const;
export type ImportanceMetricName = (typeof importanceMetricNames)[number];

export interface ImportanceOptions {
  metric: string;
  beta1: number;
  beta2: number;
  /** KIF skips the first optimizer step of each task. */
  skipFirstStep: boolean;
}

export const importanceDefaults: ImportanceOptions = {
  metric: 'first-order',
  beta1: 0.85,
  beta2: 0.85,
  skipFirstStep: true,
};

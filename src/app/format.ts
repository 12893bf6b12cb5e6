// Number formatting shared by the panels.
export const fmtLoss = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
/** For scores the engine reports in percent (0–100), like exact match. */
export const fmtPercent = (x: number) => `${x.toFixed(1)}%`;

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

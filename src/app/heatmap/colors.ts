// Colour-blind-safe colours: viridis for scores, cividis for blend weights (both perceptually uniform and readable
// with the common colour-vision deficiencies), Okabe–Ito for the four fusion cases.
import type { FusionCase } from '../../engine/kif/fusion';

// Nine evenly spaced stops of each map (matplotlib's), interpolated linearly.
const viridisStops = [
  '#440154',
  '#472d7b',
  '#3b528b',
  '#2c728e',
  '#21918c',
  '#28ae80',
  '#5ec962',
  '#addc30',
  '#fde725',
];
const cividisStops = [
  '#00224e',
  '#123570',
  '#3b496c',
  '#575d6d',
  '#707173',
  '#8a8779',
  '#a69d75',
  '#c4b56c',
  '#fee838',
];

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

function ramp(stops: readonly string[], t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const a = rgb(stops[i]);
  const b = rgb(stops[i + 1]);
  const f = x - i;
  return `rgb(${a.map((v, j) => Math.round(v + (b[j] - v) * f)).join(',')})`;
}

export const viridis = (t: number) => ramp(viridisStops, t);
export const cividis = (t: number) => ramp(cividisStops, t);

/** The fusion cases as fusion.ts names them, with their colour, a one-letter mark and the words the legend uses. */
export const caseStyles: Record<FusionCase, { color: string; text: string; mark: string; label: string }> = {
  shared: { color: '#0072B2', text: '#fff', mark: 'S', label: 'shared: important before and now (γ blend)' },
  kept: { color: '#E69F00', text: '#111', mark: 'K', label: 'kept from earlier tasks' },
  taken: { color: '#009E73', text: '#fff', mark: 'T', label: 'taken from the new task' },
  averaged: { color: '#F0E442', text: '#111', mark: 'A', label: 'averaged (important in neither)' },
};
const okabeIto = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

export const seriesColor = (i: number) => okabeIto[i % okabeIto.length];

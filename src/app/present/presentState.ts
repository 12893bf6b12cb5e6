// Present mode's state, carried in the page's query string (the fragment is the experiment's link, which it keeps):
// `?present=2` opens step 2 of the story, `&hide=controls,share` hides parts for an embed. Parsing never throws; an
// unknown value falls back to the first step and is ignored.

export interface PresentStep {
  id: string;
  title: string;
  /** What the teacher says, with {1} and {2} standing for the first two tasks' names. */
  caption: string;
}

export const PRESENT_STEPS: readonly PresentStep[] = [
  {
    id: 'learn-1',
    title: 'Learn task 1',
    caption: 'The model learns its first task, {1}: the loss falls and the sample answers turn right.',
  },
  {
    id: 'learn-2',
    title: 'Learn task 2: task 1 is forgotten',
    caption:
      'Trained on {2} alone, sequential fine-tuning overwrites what {1} needed: its score drops in the accuracy matrix.',
  },
  {
    id: 'kif',
    title: 'KIF keeps the units task 1 needed',
    caption:
      'KIF scores every skill unit for each task and, when it fuses, keeps the units {1} relied on: the bright cells of the map.',
  },
  {
    id: 'compare',
    title: 'Compare',
    caption:
      'Side by side: average accuracy (AP) and forgetting of every strategy; the best of each column is starred.',
  },
];

/** Parts an embed may hide. */
export const HIDEABLE = {
  controls: 'run controls',
  share: 'share and export bar',
  captions: 'captions and step buttons',
} as const;
export type Hideable = keyof typeof HIDEABLE;

export interface PresentState {
  /** 0-based step, or null when not presenting. */
  step: number | null;
  hide: Hideable[];
}

export function readPresent(search: string): PresentState {
  const q = new URLSearchParams(search);
  const raw = q.get('present');
  const n = raw === null ? NaN : Number(raw);
  const step = raw === null ? null : Number.isInteger(n) && n >= 1 && n <= PRESENT_STEPS.length ? n - 1 : 0;
  const hide = (q.get('hide') ?? '').split(',').filter((h): h is Hideable => h in HIDEABLE);
  return { step, hide: [...new Set(hide)] };
}

/** `search` with the present state written into it (other parameters kept). */
export function writePresent(search: string, s: PresentState): string {
  const q = new URLSearchParams(search);
  q.delete('present');
  q.delete('hide');
  if (s.step !== null) q.set('present', String(s.step + 1));
  if (s.step !== null && s.hide.length) q.set('hide', s.hide.join(','));
  const out = q.toString().replace(/%2C/g, ',');
  return out ? `?${out}` : '';
}

/**
 * Whether present mode tells the story task by task: it pauses at each boundary, and the strategies train one at a time
 * in the spec's order (side by side, another strategy would reach a boundary first). An embed without controls or
 * captions has no Continue button and plays through.
 */
export const tellsStory = (s: PresentState) =>
  s.step !== null && !s.hide.includes('controls') && !s.hide.includes('captions');

export const captionFor = (step: PresentStep, tasks: readonly string[]) =>
  step.caption.replace('{1}', tasks[0] ?? 'task 1').replace('{2}', tasks[1] ?? 'task 2');

/** An iframe snippet that opens `url` (with its present state) at a projector-friendly size. */
export const embedSnippet = (url: string) =>
  `<iframe src="${url.replace(/"/g, '&quot;')}" width="1280" height="800" style="border:0" title="KIF playground" allow="clipboard-write"></iframe>`;

// The kinds of skill unit, one entry each: what it is, which family it is scored and normalised with, how it slices
// its parameters, where it sits on the heatmap, its mark in the heatmap's kind legend and its name in words. Places and
// words are computed from the structured record a unit is made with (units.ts), never from its name; old names come
// in through unitNames.ts.

/** Families of units: the importance views normalise within one, the kind-wise fusion variant thresholds within one. */
export const unitKinds = ['attention', 'ffn', 'norm', 'embedding', 'relative-bias', 'lora', 'other'] as const;
export type UnitKind = (typeof unitKinds)[number];

export const unitKindLabels: Record<UnitKind, string> = {
  attention: 'attention heads',
  ffn: 'FFN blocks',
  norm: 'layer norms',
  embedding: 'embeddings',
  'relative-bias': 'relative-position bias',
  lora: 'LoRA ranks',
  other: 'other',
};

export type Stack = 'encoder' | 'decoder';
export type AttentionModule = 'SelfAttention' | 'EncDecAttention';

/** What a unit was made from. `shape` names its registry entry; the other fields are those the entry reads. */
export type UnitInfo =
  | {
      shape: 'projection';
      stack: Stack;
      layer: number;
      sublayer: number;
      module: AttentionModule;
      role: 'q' | 'k' | 'v' | 'o';
    }
  | { shape: 'head'; stack: Stack; layer: number; sublayer: number; module: AttentionModule; index: number }
  | {
      shape: 'lora-rank';
      stack: Stack;
      layer: number;
      sublayer: number;
      module: AttentionModule;
      role: 'q' | 'k' | 'v' | 'o';
      index: number;
    }
  | { shape: 'relative-bias'; stack: Stack; layer: number; sublayer: number }
  | { shape: 'ffn-matrix'; stack: Stack; layer: number; sublayer: number; role: 'wi' | 'wo' | 'wi_0' | 'wi_1' }
  | { shape: 'neuron-block'; stack: Stack; layer: number; sublayer: number; first: number; last: number }
  | { shape: 'layer-norm'; stack: Stack; layer: number; sublayer: number }
  | { shape: 'final-norm'; stack: Stack }
  | { shape: 'embedding'; which: 'shared' | 'lm_head' }
  | { shape: 'other'; name: string };
export type UnitShape = UnitInfo['shape'];

/** A unit's cell on the heatmap: rows are layers, groups are modules, subs their sub-columns. */
export interface UnitPlace {
  row: string;
  group: string;
  sub: string;
}

export const heatmapGroups = ['self-attn', 'cross-attn', 'FFN', 'norms', 'other'] as const;

type InfoOf<S extends UnitShape> = Extract<UnitInfo, { shape: S }>;

/** How the heatmap marks a kind above its columns and in its legend: a glyph (not colour alone) and its colour. */
export interface UnitKindLegend {
  marker: string;
  /** At least 3:1 against the white panel (WCAG's bar for graphics), and none of the fusion cases' colours. */
  colour: string;
}

export interface UnitKindEntry<S extends UnitShape> {
  label: string;
  legend: UnitKindLegend;
  kind: UnitKind;
  /** Which granularity makes it and which parameter elements it covers (built in units.ts). */
  slices: string;
  /** How its score is formed from its parts (units.ts unitCombiners). */
  combine: 'mean' | 'product';
  place(info: InfoOf<S>): UnitPlace;
  words(info: InfoOf<S>): string;
}

const attentionGroup: Record<AttentionModule, string> = { SelfAttention: 'self-attn', EncDecAttention: 'cross-attn' };
const attentionWords: Record<AttentionModule, string> = {
  SelfAttention: 'self-attention',
  EncDecAttention: 'cross-attention',
};
const row = (i: { stack: Stack; layer: number }) => `${i.stack} ${i.layer}`;
const inLayer = (i: { stack: Stack; layer: number }) => `${i.stack} layer ${i.layer}`;

export const unitKindRegistry: { [S in UnitShape]: UnitKindEntry<S> } = {
  projection: {
    label: 'attention projection',
    legend: { marker: '▲', colour: '#6a3d9a' },
    kind: 'attention',
    slices: 'tensor granularity: the whole q, k, v or o matrix',
    combine: 'mean',
    place: (i) => ({ row: row(i), group: attentionGroup[i.module], sub: i.role }),
    words: (i) => `${inLayer(i)}, ${attentionWords[i.module]} ${i.role} projection`,
  },
  head: {
    label: 'attention head',
    legend: { marker: '●', colour: '#6a3d9a' },
    kind: 'attention',
    slices: 'head-neuron granularity: rows h·dKv..(h+1)·dKv−1 of q, k, v and the same columns of o',
    combine: 'mean',
    place: (i) => ({ row: row(i), group: attentionGroup[i.module], sub: `h${i.index}` }),
    words: (i) => `${inLayer(i)}, ${attentionWords[i.module]} head ${i.index}`,
  },
  'lora-rank': {
    label: 'LoRA rank',
    legend: { marker: '◆', colour: '#00707a' },
    kind: 'lora',
    slices: 'lora-rank granularity: row j of lora_A with column j of lora_B',
    combine: 'product',
    place: (i) => ({ row: row(i), group: attentionGroup[i.module], sub: `${i.role}·${i.index}` }),
    words: (i) => `${inLayer(i)}, ${attentionWords[i.module]} ${i.role} LoRA rank ${i.index}`,
  },
  'relative-bias': {
    label: 'relative-position bias',
    legend: { marker: '▼', colour: '#7a7a00' },
    kind: 'relative-bias',
    slices: 'the whole bias table at every granularity',
    combine: 'mean',
    place: (i) => ({ row: row(i), group: 'other', sub: 'rel-pos' }),
    words: (i) => `${inLayer(i)}, relative-position bias`,
  },
  'ffn-matrix': {
    label: 'FFN matrix',
    legend: { marker: '■', colour: '#b15928' },
    kind: 'ffn',
    slices: 'tensor granularity: the whole wi, wi_0, wi_1 or wo matrix',
    combine: 'mean',
    place: (i) => ({ row: row(i), group: 'FFN', sub: i.role }),
    words: (i) => `${inLayer(i)}, FFN ${i.role}`,
  },
  'neuron-block': {
    label: 'FFN neuron block',
    legend: { marker: '▮', colour: '#b15928' },
    kind: 'ffn',
    slices: 'head-neuron granularity: rows a..b of wi (or wi_0 and wi_1) and the same columns of wo',
    combine: 'mean',
    place: (i) => ({ row: row(i), group: 'FFN', sub: `n${i.first}` }),
    words: (i) => `${inLayer(i)}, FFN neurons ${i.first}–${i.last}`,
  },
  'layer-norm': {
    label: 'layer norm',
    legend: { marker: '○', colour: '#c51b7d' },
    kind: 'norm',
    slices: 'the whole norm weight at every granularity',
    combine: 'mean',
    place: (i) => ({ row: row(i), group: 'norms', sub: `ln${i.sublayer}` }),
    words: (i) =>
      `${inLayer(i)}, layer norm before ${i.sublayer === 0 ? 'self-attention' : i.stack === 'decoder' && i.sublayer === 1 ? 'cross-attention' : 'the FFN'}`,
  },
  'final-norm': {
    label: 'final layer norm',
    legend: { marker: '◎', colour: '#c51b7d' },
    kind: 'norm',
    slices: 'the whole norm weight at every granularity',
    combine: 'mean',
    place: (i) => ({ row: `${i.stack} end`, group: 'norms', sub: 'final' }),
    words: (i) => `${i.stack}'s final layer norm`,
  },
  embedding: {
    label: 'embedding',
    legend: { marker: '★', colour: '#1b1b1b' },
    kind: 'embedding',
    slices: 'the whole matrix at every granularity',
    combine: 'mean',
    place: (i) => ({ row: 'embeddings', group: 'other', sub: i.which === 'shared' ? 'embed' : 'lm_head' }),
    words: (i) => (i.which === 'shared' ? 'shared token embedding' : 'output projection (lm_head)'),
  },
  other: {
    label: 'other parameter',
    legend: { marker: '·', colour: '#757575' },
    kind: 'other',
    slices: 'the whole tensor',
    combine: 'mean',
    place: (i) => ({ row: 'other', group: 'other', sub: i.name.split('.').slice(-2).join('.') }),
    words: (i) => i.name,
  },
};

const entryOf = <S extends UnitShape>(info: InfoOf<S>) => unitKindRegistry[info.shape as S];

export const unitPlace = (info: UnitInfo): UnitPlace => entryOf(info).place(info as never);
export const unitWords = (info: UnitInfo): string => entryOf(info).words(info as never);
export const unitKindOf = (info: UnitInfo): UnitKind => unitKindRegistry[info.shape].kind;
export const unitLegend = (shape: UnitShape): UnitKindLegend & { label: string } => ({
  label: unitKindRegistry[shape].label,
  ...unitKindRegistry[shape].legend,
});

/** Where a unit's heatmap row sorts: encoder layers, its final norm, decoder layers, its final norm, embeddings, other. */
export function unitRowOrder(info: UnitInfo): readonly [number, number] {
  const stackOrder = (s: Stack) => (s === 'encoder' ? 0 : 2);
  if (info.shape === 'final-norm') return [stackOrder(info.stack), Number.MAX_SAFE_INTEGER];
  if ('layer' in info) return [stackOrder(info.stack), info.layer];
  return [info.shape === 'embedding' ? 4 : 5, 0];
}

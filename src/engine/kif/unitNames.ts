// The one door from a unit's or parameter's stable name (units.ts header) back to the record it was made from. Units
// built now carry their record; names alone come from result documents and links saved before that (restored once on
// the way in: run/restoreUnits.ts, share/resultsSummary.ts) and from the model's parameters, named the Hugging Face
// way (units.ts makes its records from them). Nothing else reads a name's parts.
import type { AttentionModule, Stack, UnitInfo } from './unitKindRegistry';

const inBlock = /^(encoder|decoder)\.block\.(\d+)\.layer\.(\d+)\.(.+)$/;

type Where = { stack: Stack; layer: number; sublayer: number };

// Shapes of the part after "<stack>.block.<i>.layer.<j>.", first match wins.
const tails: Array<[RegExp, (m: RegExpExecArray, w: Where) => UnitInfo]> = [
  [
    /^(SelfAttention|EncDecAttention)\.(q|k|v|o)\.weight$/,
    (m, w) => ({ shape: 'projection', ...w, module: m[1] as AttentionModule, role: m[2] as 'q' }),
  ],
  [
    /^(SelfAttention|EncDecAttention)\.(q|k|v|o)\.lora\|(\d+)$/,
    (m, w) => ({ shape: 'lora-rank', ...w, module: m[1] as AttentionModule, role: m[2] as 'q', index: Number(m[3]) }),
  ],
  [
    /^(SelfAttention|EncDecAttention)#head(\d+)$/,
    (m, w) => ({ shape: 'head', ...w, module: m[1] as AttentionModule, index: Number(m[2]) }),
  ],
  [/^SelfAttention\.relative_attention_bias\.weight$/, (_, w) => ({ shape: 'relative-bias', ...w })],
  [/^DenseReluDense\.(wi|wo|wi_0|wi_1)\.weight$/, (m, w) => ({ shape: 'ffn-matrix', ...w, role: m[1] as 'wi' })],
  [
    /^DenseReluDense#neurons(\d+)-(\d+)$/,
    (m, w) => ({ shape: 'neuron-block', ...w, first: Number(m[1]), last: Number(m[2]) }),
  ],
  [/^layer_norm\.weight$/, (_, w) => ({ shape: 'layer-norm', ...w })],
];

/** The record a unit (or a whole parameter tensor) with this name was made from; 'other' for names of no known shape. */
export function unitInfoFromName(name: string): UnitInfo {
  const b = inBlock.exec(name);
  if (b) {
    const where: Where = { stack: b[1] as Stack, layer: Number(b[2]), sublayer: Number(b[3]) };
    for (const [pattern, info] of tails) {
      const m = pattern.exec(b[4]);
      if (m) return info(m, where);
    }
  }
  const norm = /^(encoder|decoder)\.final_layer_norm\.weight$/.exec(name);
  if (norm) return { shape: 'final-norm', stack: norm[1] as Stack };
  const emb = /^(shared|lm_head)\.weight$/.exec(name);
  if (emb) return { shape: 'embedding', which: emb[1] as 'shared' | 'lm_head' };
  return { shape: 'other', name };
}

/** A unit table for names alone (documents and links from before records were kept): each name's record restored. */
export const unitTableFromNames = (granularity: string, names: readonly string[]) => ({
  granularity,
  names: [...names],
  infos: names.map(unitInfoFromName),
});

// What kind of module a skill unit belongs to, and its name in words, read from its stable name (units.ts). The
// importance views normalise within a kind, and the kind-wise fusion variant thresholds within one.

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

const attentionWords: Record<string, string> = { SelfAttention: 'self-attention', EncDecAttention: 'cross-attention' };
const stackWords = (stack: string, layer: string) => `${stack} layer ${layer}`;

interface KindRule {
  pattern: RegExp;
  kind: UnitKind;
  words(m: RegExpExecArray): string;
}

// First match wins.
const rules: KindRule[] = [
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.(SelfAttention|EncDecAttention)#head(\d+)$/, kind: 'attention', words: (m) => `${stackWords(m[1], m[2])}, ${attentionWords[m[3]]} head ${m[4]}` },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.(SelfAttention|EncDecAttention)\.(q|k|v|o)\.weight$/, kind: 'attention', words: (m) => `${stackWords(m[1], m[2])}, ${attentionWords[m[3]]} ${m[4]} projection` },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.(SelfAttention|EncDecAttention)\.(q|k|v|o)\.lora\|(\d+)$/, kind: 'lora', words: (m) => `${stackWords(m[1], m[2])}, ${attentionWords[m[3]]} ${m[4]} LoRA rank ${m[5]}` },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.SelfAttention\.relative_attention_bias\.weight$/, kind: 'relative-bias', words: (m) => `${stackWords(m[1], m[2])}, relative-position bias` },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.DenseReluDense#neurons(\d+)-(\d+)$/, kind: 'ffn', words: (m) => `${stackWords(m[1], m[2])}, FFN neurons ${m[3]}–${m[4]}` },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.\d+\.DenseReluDense\.(wi|wo|wi_0|wi_1)\.weight$/, kind: 'ffn', words: (m) => `${stackWords(m[1], m[2])}, FFN ${m[3]}` },
  { pattern: /^(encoder|decoder)\.block\.(\d+)\.layer\.(\d+)\.layer_norm\.weight$/, kind: 'norm', words: (m) => `${stackWords(m[1], m[2])}, layer norm before ${m[3] === '0' ? 'self-attention' : m[1] === 'decoder' && m[3] === '1' ? 'cross-attention' : 'the FFN'}` },
  { pattern: /^(encoder|decoder)\.final_layer_norm\.weight$/, kind: 'norm', words: (m) => `${m[1]}'s final layer norm` },
  { pattern: /^(shared|lm_head)\.weight$/, kind: 'embedding', words: (m) => (m[1] === 'shared' ? 'shared token embedding' : 'output projection (lm_head)') },
];

export function describeUnit(name: string): { kind: UnitKind; words: string } {
  for (const r of rules) {
    const m = r.pattern.exec(name);
    if (m) return { kind: r.kind, words: r.words(m) };
  }
  return { kind: 'other', words: name };
}

export const unitKind = (name: string): UnitKind => describeUnit(name).kind;

// The one table of size limits every outside document is checked against *before* anything is allocated for it: a
// spec or share link, a config.json, a safetensors header, a tokenizer.json, a results file, a saved run. Each limit
// is far above what the app's models need (t5-small: 60.5 M parameters, 32,128 tokens) and far below what would
// hang or exhaust a browser tab. The README lists this table; a test checks that it lists every entry.

export interface Limit {
  value: number;
  /** What is counted, for messages and the README: "parameters in a model". */
  what: string;
}

export const limits = {
  /** 1e9 float32 parameters are 4 GB of weights alone, before AdamW's two moments: no browser tab holds that. */
  params: { value: 1_000_000_000, what: 'parameters in a model' },
  /** Encoder or decoder blocks (t5-11b has 24). */
  layers: { value: 48, what: 'blocks in the encoder or the decoder' },
  /** Ids in a vocabulary (model or tokenizer); mT5 has 250,112. */
  vocab: { value: 300_000, what: 'tokens in a vocabulary' },
  /** Tokens in one training batch: batch × (input + output length). The paper's 8 × (512 + 50) is 4,496. */
  batchTokens: { value: 262_144, what: 'tokens in a training batch (batch size × (input + output length))' },
  /** Bytes of one tensor in a safetensors file (t5-small's largest, the embedding, is 66 MB). */
  tensorBytes: { value: 2 ** 31 - 1, what: 'bytes in one tensor' },
  /** Tensors in one safetensors header (t5-small has 131). */
  tensors: { value: 100_000, what: 'tensors in a safetensors file' },
  /** Characters in one string field of a document (a name, a label, a pattern, a prediction). */
  fieldChars: { value: 100_000, what: 'characters in one text field' },
  /** Characters in one regular expression of a tokenizer.json. */
  patternChars: { value: 1_000, what: 'characters in a tokenizer regular expression' },
  /** Nesting depth of a JSON document (a T5 tokenizer.json nests 5 deep, a results document 7). */
  depth: { value: 64, what: 'levels of nesting in a JSON document' },
  /** Nested "Sequence" stages in a tokenizer.json. */
  tokenizerStages: { value: 64, what: 'normalizer / pre-tokenizer / decoder stages in a tokenizer.json' },
  /** Seconds a run may report for any one timing; larger is a corrupt file (a year). */
  seconds: { value: 31_536_000, what: 'seconds in a reported timing' },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof limits;

/** "more than the 1,000,000,000 parameters in a model this app accepts". */
export const overLimit = (name: LimitName, got: number | bigint) =>
  `${fmtCount(got)} is more than the ${fmtCount(limits[name].value)} ${limits[name].what} this app accepts`;

export const fmtCount = (n: number | bigint) =>
  typeof n === 'bigint' || Number.isSafeInteger(n) ? n.toLocaleString('en-US') : n.toPrecision(3);

/**
 * Depth of the deepest nesting in a parsed JSON value, stopping as soon as it passes `max` (so a hostile document costs
 * at most max levels of work per branch). Iterative: a deep document cannot overflow the stack here.
 */
export function jsonDepthOver(value: unknown, max = limits.depth.value): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return false;
}

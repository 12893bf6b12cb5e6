// What the engine needs from a tokenizer: text <-> ids with T5's pad and eos conventions.
export interface Tokenizer {
  name: string;
  vocabSize: number;
  padId: number;
  eosId: number;
  /** The ids of `text`, ending with eosId. */
  encode(text: string): number[];
  /** The text of `ids` up to the first eosId, with padId skipped. */
  decode(ids: number[]): string;
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

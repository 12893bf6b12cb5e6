// A Hugging Face tokenizer.json (T5's SentencePiece Unigram, or any model @huggingface/tokenizers runs) as a Tokenizer.
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import type { Tokenizer } from './tokenizer';
import { TokenizerError } from './tokenizer';
import { checkTokenizerJson } from './tokenizerJsonCheck';

export interface HfTokenizerOptions {
  name?: string;
  eosToken?: string;
  padToken?: string;
}

/** Loads a tokenizer.json (its text or the parsed object). Throws TokenizerError for files it cannot use. */
export function loadHfTokenizer(tokenizerJson: string | object, opts: HfTokenizerOptions = {}): Tokenizer {
  const { name = 'tokenizer.json', eosToken = '</s>', padToken = '<pad>' } = opts;
  let raw: unknown = tokenizerJson;
  if (typeof tokenizerJson === 'string') {
    try {
      raw = JSON.parse(tokenizerJson);
    } catch {
      throw new TokenizerError('invalid tokenizer.json: not valid JSON');
    }
  }
  // Ids, sizes and patterns are checked before the library indexes anything (tokenizerJsonCheck.ts).
  checkTokenizerJson(raw);
  // tokenizer.json may omit the optional stages; the library wants each present, null when unused.
  const spec = {
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    added_tokens: [],
    ...(raw as object),
  };
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(spec, { eos_token: eosToken, pad_token: padToken });
  } catch (e) {
    throw new TokenizerError(`invalid tokenizer.json: ${e instanceof Error ? e.message : String(e)}`);
  }
  const eosId = hf.token_to_id(eosToken);
  const padId = hf.token_to_id(padToken);
  if (eosId === undefined)
    throw new TokenizerError(`invalid tokenizer.json: its vocabulary has no eos token "${eosToken}"`);
  if (padId === undefined)
    throw new TokenizerError(`invalid tokenizer.json: its vocabulary has no pad token "${padToken}"`);
  let vocabSize = 0;
  for (const id of hf.get_vocab().values()) vocabSize = Math.max(vocabSize, id + 1);
  return {
    name,
    vocabSize,
    padId,
    eosId,
    encode(text) {
      const ids = hf.encode(text).ids;
      // T5's post_processor appends </s>; a tokenizer.json without one still gets it.
      if (ids[ids.length - 1] !== eosId) ids.push(eosId);
      return ids;
    },
    decode(ids) {
      const end = ids.indexOf(eosId);
      const kept = (end < 0 ? ids : ids.slice(0, end)).filter((id) => id !== padId);
      // No clean-up of spaces before punctuation: decode must invert encode exactly for exact-match scoring.
      return kept.length ? hf.decode(kept, { clean_up_tokenization_spaces: false }) : '';
    },
  };
}

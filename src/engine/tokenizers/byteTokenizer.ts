// ByT5's byte-level tokenizer: pad 0, eos 1, unk 2, UTF-8 byte b -> id b + 3.
import type { Tokenizer } from './tokenizer';

const offset = 3;
export const byteVocabSize = 256 + offset;

export function createByteTokenizer(): Tokenizer {
  const encoder = new TextEncoder();
  // Not fatal: a model can emit any byte sequence, invalid UTF-8 decodes to U+FFFD. ignoreBOM keeps a leading U+FEFF.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  return {
    name: 'byte',
    vocabSize: byteVocabSize,
    padId: 0,
    eosId: 1,
    encode(text) {
      const ids = Array.from(encoder.encode(text), (b) => b + offset);
      ids.push(1);
      return ids;
    },
    decode(ids) {
      const bytes: number[] = [];
      for (const id of ids) {
        if (id === 1) break;
        // pad, unk and ids past the byte range carry no text.
        if (id >= offset && id < byteVocabSize) bytes.push(id - offset);
      }
      return decoder.decode(new Uint8Array(bytes));
    },
  };
}

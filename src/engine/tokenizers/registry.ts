// Tokenizers by name: adding one is one registerTokenizer call in its own file.
import { createByteTokenizer } from './byteTokenizer';
import { loadHfTokenizer } from './hfTokenizer';
import type { Tokenizer } from './tokenizer';
import { TokenizerError } from './tokenizer';

/** What a factory may need: the files of a pretrained tokenizer, when it has any. */
export interface TokenizerSource {
  tokenizerJson?: string | object;
}
export type TokenizerFactory = (source: TokenizerSource) => Tokenizer;

const factories = new Map<string, TokenizerFactory>();

export function registerTokenizer(name: string, factory: TokenizerFactory): void {
  if (factories.has(name)) throw new TokenizerError(`tokenizer "${name}" is already registered`);
  factories.set(name, factory);
}

export const tokenizerNames = (): string[] => [...factories.keys()];

export function createTokenizer(name: string, source: TokenizerSource = {}): Tokenizer {
  const factory = factories.get(name);
  if (!factory) throw new TokenizerError(`unknown tokenizer "${name}"; known: ${tokenizerNames().join(', ')}`);
  return factory(source);
}

registerTokenizer('byte', () => createByteTokenizer());
registerTokenizer('hf', ({ tokenizerJson }) => {
  if (tokenizerJson === undefined) throw new TokenizerError('tokenizer "hf" needs a tokenizer.json');
  return loadHfTokenizer(tokenizerJson, { name: 'hf' });
});

// The tokenizer a run uses, as plain data that travels to the worker, into saved runs and into the results document:
// the byte tokenizer, or a checkpoint's own (the tokenizer.json it runs, and where it came from).
import { createByteTokenizer } from './byteTokenizer';
import type { CheckpointTokenizer, CheckpointTokenizerKind } from './checkpointTokenizer';
import { loadHfTokenizer } from './hfTokenizer';
import type { Tokenizer } from './tokenizer';

export type RunTokenizerSpec =
  | { kind: 'byte' }
  | {
      kind: CheckpointTokenizerKind;
      source: string;
      vocabSize: number;
      json: Record<string, unknown>;
      padToken?: string;
      eosToken?: string;
    };

/** What the results document records: model.tokenizer. */
export interface TokenizerRecord {
  kind: string;
  vocabSize: number;
  source: string;
}

export const byteTokenizerSpec: RunTokenizerSpec = { kind: 'byte' };

/** The run spec of a checkpoint's tokenizer, `source` naming the checkpoint (a path or URL). */
export const checkpointTokenizerSpec = (tok: CheckpointTokenizer, source: string): RunTokenizerSpec => ({
  kind: tok.kind,
  source,
  vocabSize: tok.tokenizer.vocabSize,
  json: tok.json,
  padToken: tok.padToken,
  eosToken: tok.eosToken,
});

export function buildRunTokenizer(spec: RunTokenizerSpec): { tokenizer: Tokenizer; record: TokenizerRecord } {
  if (spec.kind === 'byte') {
    const tokenizer = createByteTokenizer();
    return {
      tokenizer,
      record: { kind: 'byte', vocabSize: tokenizer.vocabSize, source: 'built-in (UTF-8 bytes, ByT5 ids)' },
    };
  }
  const tokenizer = loadHfTokenizer(spec.json, { name: spec.kind, padToken: spec.padToken, eosToken: spec.eosToken });
  return { tokenizer, record: { kind: spec.kind, vocabSize: tokenizer.vocabSize, source: spec.source } };
}

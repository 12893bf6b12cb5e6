// The shipped real-text base (public/models/text-nano) loads as the real-text demo's checkpoint: its config, weights and
// SentencePiece vocabulary agree, and it reads English as pieces, not unknowns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEXT_BASE } from '../src/engine/experiment/realModelDemos';
import { loadHfModelFromFiles } from '../src/engine/io/loadHfModel';
import { paramCount } from '../src/engine/model/paramSpec';

const files = Object.fromEntries(
  ['config.json', 'model.safetensors', 'spiece.model'].map((n) => [
    n,
    new Uint8Array(readFileSync(join(TEXT_BASE, n))),
  ]),
);

describe('text-nano base', () => {
  const m = loadHfModelFromFiles(files);
  it('is a nano T5 whose vocabulary is its spiece.model plus 100 sentinels', () => {
    expect(m.config).toMatchObject({ dModel: 64, numLayers: 2, numDecoderLayers: 2, vocabSize: 4100 });
    expect(paramCount(m.config)).toBe(492_800);
    expect(m.tokenizer!.kind).toBe('spiece.model');
    expect(m.tokenizer!.tokenizer.vocabSize).toBe(4100);
  });

  it('encodes English text with few unknown pieces and decodes it back', () => {
    const tok = m.tokenizer!.tokenizer;
    const text = 'The company announced record profits as the film won three awards in the village.';
    const ids = tok.encode(text);
    expect(ids.at(-1)).toBe(1); // </s>
    expect(ids.filter((i) => i === 2).length).toBe(0); // no <unk>
    expect(ids.length).toBeLessThan(text.split(' ').length * 2);
    expect(tok.decode(ids)).toBe(text);
  });
});

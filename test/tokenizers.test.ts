import { describe, expect, it } from 'vitest';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { loadHfTokenizer } from '../src/engine/tokenizers/hfTokenizer';
import { createTokenizer, registerTokenizer, tokenizerNames } from '../src/engine/tokenizers/registry';
import { TokenizerError } from '../src/engine/tokenizers/tokenizer';
import { makeRng, randInt } from '../src/engine/util/rng';

describe('byte tokenizer (ByT5 ids)', () => {
  const tok = createByteTokenizer();

  it('maps UTF-8 bytes to b + 3 and appends eos', () => {
    expect([tok.vocabSize, tok.padId, tok.eosId]).toEqual([259, 0, 1]);
    expect(tok.encode('Hi!')).toEqual([72 + 3, 105 + 3, 33 + 3, 1]);
    expect(tok.encode('é')).toEqual([0xc3 + 3, 0xa9 + 3, 1]);
    expect(tok.encode('')).toEqual([1]);
  });

  it.each([
    '',
    'plain ascii',
    'emoji 😀👍🏽👨‍👩‍👧',
    '中文字符 and 日本語のテキスト',
    'e\u0301 a\u0308 combining',
    '\uFEFFbom kept',
    'tab\tnew\nline\u0000nul',
  ])('round-trips %j', (text) => expect(tok.decode(tok.encode(text))).toBe(text));

  it('round-trips random strings of any Unicode scalar values (seeded)', () => {
    const rng = makeRng(123);
    for (let n = 0; n < 300; n++) {
      const cps: number[] = [];
      for (let i = randInt(rng, 0, 40); i > 0; i--) {
        // Any scalar value: skip the surrogate range, which UTF-8 cannot carry.
        let cp = randInt(rng, 0, 0x10ffff - 0x800);
        if (cp >= 0xd800) cp += 0x800;
        cps.push(cp);
      }
      const text = String.fromCodePoint(...cps);
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
  });

  it('decodes up to eos, skipping pad, unk and out-of-range ids', () => {
    expect(tok.decode([0, 0, 'a'.charCodeAt(0) + 3, 2, 'b'.charCodeAt(0) + 3, 999, 1, 'c'.charCodeAt(0) + 3])).toBe(
      'ab',
    );
  });

  it('decodes invalid UTF-8 to U+FFFD instead of throwing', () => {
    // A lone continuation byte, a truncated 3-byte sequence, then valid "ok".
    expect(tok.decode([0x80 + 3, 0xe4 + 3, 0xb8 + 3, 0x6f + 3, 0x6b + 3, 1])).toBe('\uFFFD\uFFFDok');
  });
});

// A minimal T5-style tokenizer.json: NFKC + space collapsing, whitespace split + Metaspace, a Unigram over a few dozen
// pieces (every lowercase letter, so any lowercase word is encodable), </s> appended, Metaspace decoding.
function t5StyleTokenizerJson() {
  const specials: [string, number][] = [
    ['<pad>', 0],
    ['</s>', 0],
    ['<unk>', 0],
  ];
  const words: [string, number][] = [
    ['▁', -2],
    ['▁hello', -3],
    ['▁world', -3],
    ['▁the', -3],
    ['▁cat', -3],
    ['ing', -3.5],
    ['er', -3.5],
  ];
  const letters: [string, number][] = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => [c, -5]);
  const punct: [string, number][] = [
    ['.', -4],
    [',', -4],
    ['!', -4],
    ['?', -4],
  ];
  const vocab = [...specials, ...words, ...letters, ...punct];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map(([content], id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'WhitespaceSplit' },
        { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      ],
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
  };
}

describe('tokenizer.json (Unigram) tokenizer', () => {
  const json = t5StyleTokenizerJson();
  const pieces = json.model.vocab.map(([p]) => p);
  const id = (piece: string) => pieces.indexOf(piece);
  const tok = loadHfTokenizer(JSON.stringify(json));

  it('reads pad, eos and vocabulary size', () => {
    expect([tok.padId, tok.eosId, tok.vocabSize]).toEqual([0, 1, pieces.length]);
    expect(pieces.length).toBe(40);
  });

  it('picks the most likely segmentation and appends </s>', () => {
    expect(tok.encode('hello world')).toEqual([id('▁hello'), id('▁world'), 1]);
    // ▁cat + s scores -8, beating ▁ + c + a + t + s at -22.
    expect(tok.encode('the cats')).toEqual([id('▁the'), id('▁cat'), id('s'), 1]);
    expect(tok.encode('singer!')).toEqual([id('▁'), id('s'), id('ing'), id('er'), id('!'), 1]);
    expect(tok.encode('')).toEqual([1]);
  });

  it('normalizes like T5: NFKC and runs of spaces collapsed', () => {
    expect(tok.encode('hello   world')).toEqual(tok.encode('hello world'));
    expect(tok.encode('ｈｅｌｌｏ')).toEqual([id('▁hello'), 1]); // fullwidth letters
  });

  it('maps characters outside the vocabulary to <unk>', () => {
    expect(tok.encode('a€b')).toEqual([id('▁'), id('a'), 2, id('b'), 1]);
    expect(tok.decode(tok.encode('a€b'))).toBe('a<unk>b');
  });

  it('round-trips seeded random sentences of vocabulary characters', () => {
    const rng = makeRng(99);
    const chars = 'abcdefghijklmnopqrstuvwxyz.,!?';
    for (let n = 0; n < 200; n++) {
      const words = Array.from({ length: randInt(rng, 1, 8) }, () =>
        Array.from({ length: randInt(rng, 1, 9) }, () => chars[randInt(rng, 0, chars.length - 1)]).join(''),
      );
      const text = words.join(' ');
      const ids = tok.encode(text);
      expect(ids.at(-1)).toBe(1);
      expect(ids.slice(0, -1).every((i) => i > 2)).toBe(true);
      expect(tok.decode(ids)).toBe(text);
    }
  });

  it('decodes up to eos and skips pad, without spacing clean-up', () => {
    const ids = tok.encode('hello , world .');
    expect(tok.decode([...ids, 0, 0])).toBe('hello , world .');
    expect(tok.decode([0, ...tok.encode('the cat'), ...tok.encode('hello')])).toBe('the cat');
    expect(tok.decode([1])).toBe('');
    expect(tok.decode([])).toBe('');
  });

  it('appends </s> itself when the tokenizer.json has no post_processor', () => {
    const noPost = loadHfTokenizer({ ...json, post_processor: null });
    expect(noPost.encode('hello')).toEqual([id('▁hello'), 1]);
  });

  it('gives clear errors for invalid files', () => {
    const msg = (input: string | object) => {
      try {
        loadHfTokenizer(input);
      } catch (e) {
        expect(e).toBeInstanceOf(TokenizerError);
        return (e as Error).message;
      }
      throw new Error('expected a TokenizerError');
    };
    expect(msg('{"model": ')).toBe('invalid tokenizer.json: not valid JSON');
    expect(msg('[]')).toBe('invalid tokenizer.json: not a JSON object');
    expect(msg({ version: '1.0' })).toBe('invalid tokenizer.json: it has no "model" object');
    expect(msg({ ...json, model: { type: 'Unigram', unk_id: 0, vocab: [] } })).toMatch(
      /"model.vocab" must be a non-empty list/,
    );
    expect(msg({ ...json, model: { type: 'Unigram', unk_id: 0, vocab: [['a', -1], ['b']] } })).toBe(
      'invalid tokenizer.json: "model.vocab" entry 1 is ["b"], not a [piece, score] pair',
    );
    expect(msg({ ...json, model: { ...json.model, unk_id: 500 } })).toBe(
      'invalid tokenizer.json: "model.unk_id" 500 is not an index into the 40-piece vocabulary',
    );
    expect(msg({ ...json, model: { type: 'Mystery' } })).toBe(
      'invalid tokenizer.json: "model.type" "Mystery" is not one of Unigram, BPE, WordPiece',
    );
    expect(msg({ ...json, decoder: { type: 'Nope' } })).toBe(
      'invalid tokenizer.json: decoder.type "Nope" is not one of ByteLevel, WordPiece, Metaspace, BPEDecoder, CTC, Sequence, Replace, Fuse, Strip, ByteFallback',
    );
    const noEos = {
      ...json,
      added_tokens: json.added_tokens.slice(0, 1),
      model: { ...json.model, vocab: json.model.vocab.map(([p, s]) => [p === '</s>' ? '<eos>' : p, s]) },
    };
    expect(msg(noEos)).toBe('invalid tokenizer.json: its vocabulary has no eos token "</s>"');
  });
});

describe('tokenizer registry', () => {
  it('creates the built-in tokenizers by name', () => {
    expect(tokenizerNames()).toEqual(expect.arrayContaining(['byte', 'hf']));
    expect(createTokenizer('byte').encode('A')).toEqual([68, 1]);
    const hf = createTokenizer('hf', { tokenizerJson: t5StyleTokenizerJson() });
    expect(hf.name).toBe('hf');
    expect(hf.decode(hf.encode('the cat'))).toBe('the cat');
  });

  it('rejects unknown names, duplicates and a missing tokenizer.json', () => {
    expect(() => createTokenizer('nope')).toThrow(/unknown tokenizer "nope"; known: byte, hf/);
    expect(() => registerTokenizer('byte', () => createByteTokenizer())).toThrow(
      /tokenizer "byte" is already registered/,
    );
    expect(() => createTokenizer('hf')).toThrow(/tokenizer "hf" needs a tokenizer.json/);
  });

  it('takes new tokenizers', () => {
    registerTokenizer('test-upper', () => ({ ...createByteTokenizer(), name: 'test-upper' }));
    expect(createTokenizer('test-upper').name).toBe('test-upper');
  });
});

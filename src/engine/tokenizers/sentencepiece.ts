// A SentencePiece model file (spiece.model, as most T5 folders ship) as the tokenizer.json Hugging Face's converter
// (convert_slow_tokenizer.T5Converter) makes of it: the same Unigram pieces and scores, T5's <extra_id_N> sentinels
// appended in its order, the normalizer, Metaspace pre-tokenizer and decoder, and "$A </s>" as the post-processor.
// The file is a protobuf (sentencepiece_model.proto); protobufjs decodes it from the schema below.
import protobuf from 'protobufjs/light.js';
import { TokenizerError } from './tokenizer';

// The fields of sentencepiece_model.proto this converter reads (field numbers from that file; the rest are skipped).
const schema = protobuf.Root.fromJSON({
  nested: {
    ModelProto: {
      fields: {
        pieces: { rule: 'repeated', type: 'SentencePiece', id: 1 },
        trainerSpec: { type: 'TrainerSpec', id: 2 },
        normalizerSpec: { type: 'NormalizerSpec', id: 3 },
      },
    },
    SentencePiece: {
      fields: { piece: { type: 'string', id: 1 }, score: { type: 'float', id: 2 }, type: { type: 'int32', id: 3 } },
    },
    TrainerSpec: {
      fields: {
        modelType: { type: 'int32', id: 3 },
        byteFallback: { type: 'bool', id: 35 },
        unkId: { type: 'int32', id: 40 },
        eosId: { type: 'int32', id: 42 },
        padId: { type: 'int32', id: 43 },
      },
    },
    NormalizerSpec: {
      fields: {
        name: { type: 'string', id: 1 },
        precompiledCharsmap: { type: 'bytes', id: 2 },
        addDummyPrefix: { type: 'bool', id: 3 },
        removeExtraWhitespaces: { type: 'bool', id: 4 },
      },
    },
  },
});
const ModelProto = schema.lookupType('ModelProto');

interface Piece {
  piece: string;
  score?: number;
  type?: number;
}
interface Model {
  pieces?: Piece[];
  trainerSpec?: { modelType?: number; byteFallback?: boolean; unkId?: number; eosId?: number; padId?: number };
  normalizerSpec?: { precompiledCharsmap?: Uint8Array; addDummyPrefix?: boolean; removeExtraWhitespaces?: boolean };
}

// SentencePiece.Type: NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4, UNUSED 5, BYTE 6.
const UNKNOWN = 2;
const CONTROL = 3;
const USER_DEFINED = 4;
const modelTypes: Record<number, string> = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' };

const base64 = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

export interface SpieceTokenizer {
  /** The tokenizer.json object. */
  json: Record<string, unknown>;
  /** The pieces the model's trainer spec names as pad and eos (T5: "<pad>" 0, "</s>" 1), when it names them. */
  padToken?: string;
  eosToken?: string;
}

/** The tokenizer.json of a spiece.model with `extraIds` T5 sentinels (T5Tokenizer's default is 100). */
export function spieceToTokenizerJson(bytes: Uint8Array, extraIds = 100): SpieceTokenizer {
  let m: Model;
  try {
    m = ModelProto.toObject(ModelProto.decode(bytes), { defaults: false }) as Model;
  } catch (e) {
    throw new TokenizerError(
      `invalid spiece.model: not a SentencePiece model (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const pieces = m.pieces ?? [];
  if (!pieces.length || pieces.some((p) => typeof p.piece !== 'string'))
    throw new TokenizerError('invalid spiece.model: it holds no vocabulary pieces');
  // proto2 defaults of TrainerSpec and NormalizerSpec where the file leaves a field out.
  const t = { modelType: 1, byteFallback: false, unkId: 0, eosId: 2, padId: -1, ...m.trainerSpec };
  const n = {
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    ...m.normalizerSpec,
  };
  if (t.modelType !== 1)
    throw new TokenizerError(
      `spiece.model is a ${modelTypes[t.modelType] ?? `type ${t.modelType}`} model; only unigram models (as T5 uses) are supported`,
    );
  if (t.byteFallback)
    throw new TokenizerError('spiece.model uses byte fallback, which T5 tokenizers do not; it is not supported');
  const unkId = pieces.findIndex((p) => p.type === UNKNOWN);
  if (unkId < 0) throw new TokenizerError('invalid spiece.model: it has no unknown piece');

  const vocab: [string, number][] = pieces.map((p) => [p.piece, p.score ?? 0]);
  for (let i = extraIds - 1; i >= 0; i--) vocab.push([`<extra_id_${i}>`, 0]);
  const added = [
    ...pieces.flatMap((p, id) =>
      p.type === CONTROL || p.type === UNKNOWN || p.type === USER_DEFINED
        ? [{ id, content: p.piece, special: p.type !== USER_DEFINED }]
        : [],
    ),
    ...vocab.slice(pieces.length).map(([content], k) => ({ id: pieces.length + k, content, special: true })),
  ].map((a) => ({ ...a, single_word: false, lstrip: false, rstrip: false, normalized: false }));

  const collapse = { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' };
  const normalizers = [
    ...(n.precompiledCharsmap.length
      ? [{ type: 'Precompiled', precompiled_charsmap: base64(n.precompiledCharsmap) }]
      : []),
    ...(n.removeExtraWhitespaces ? [collapse] : []),
  ];
  const metaspace = {
    type: 'Metaspace',
    replacement: '\u2581',
    add_prefix_space: n.addDummyPrefix,
    prepend_scheme: n.addDummyPrefix ? 'always' : 'never',
  };
  const eos = pieces[t.eosId]?.piece;
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: normalizers.length ? { type: 'Sequence', normalizers } : null,
    pre_tokenizer: n.removeExtraWhitespaces
      ? { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, metaspace] }
      : metaspace,
    post_processor:
      eos === undefined
        ? null
        : {
            type: 'TemplateProcessing',
            single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: eos, type_id: 0 } }],
            pair: [
              { Sequence: { id: 'A', type_id: 0 } },
              { SpecialToken: { id: eos, type_id: 0 } },
              { Sequence: { id: 'B', type_id: 0 } },
              { SpecialToken: { id: eos, type_id: 0 } },
            ],
            special_tokens: { [eos]: { id: eos, ids: [t.eosId], tokens: [eos] } },
          },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: unkId, vocab, byte_fallback: false },
  };
  return { json, padToken: pieces[t.padId]?.piece, eosToken: eos };
}

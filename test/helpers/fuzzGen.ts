// Generators for the input fuzz suite, written from each format's specification rather than from known bad inputs:
// the safetensors layout (8-byte length, JSON header of {dtype, shape, data_offsets}, data), config.json's T5 fields,
// tokenizer.json's schema (model of type Unigram / BPE / WordPiece with its vocabulary, added_tokens, the four stages
// with their patterns), the experiment spec, results documents, saved runs and checkpoints. Each draws valid values
// most of the time and, per field, values from the edges and outside of the field's domain.
import { pick, randInt, type Rng } from '../../src/engine/util/rng';

/** Values at and beyond the edges of any numeric or typed field. */
export const edgeValues: readonly unknown[] = [
  0,
  1,
  -1,
  2,
  0.5,
  1.5,
  -0.0,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e6,
  1e9,
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  '',
  '0',
  '12',
  'NaN',
  'Infinity',
  'x'.repeat(300),
  null,
  true,
  false,
  [],
  [1],
  {},
  { a: 1 },
  'constructor',
  '__proto__',
  'toString',
];

export const edge = (r: Rng) => pick(r, edgeValues);

/** Mostly `valid()`, else an edge value. */
export const mostly = <T>(r: Rng, valid: () => T, p = 0.8): T | unknown => (r() < p ? valid() : edge(r));

/** A deep copy with one value somewhere inside replaced by an edge value, or deleted. */
export function mutateDeep(r: Rng, doc: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: unknown = copy;
  for (let depth = 0; depth < 10; depth++) {
    if (typeof node !== 'object' || node === null || node instanceof Map || ArrayBuffer.isView(node)) break;
    const keys = Object.keys(node);
    if (!keys.length) break;
    const k = pick(r, keys);
    const child = (node as Record<string, unknown>)[k];
    if (r() < 0.3 || typeof child !== 'object' || child === null) {
      if (r() < 0.2) delete (node as Record<string, unknown>)[k];
      else (node as Record<string, unknown>)[k] = edge(r);
      return copy;
    }
    node = child;
  }
  return copy;
}

// ---- safetensors ----

const dtypes = [
  'F32',
  'F16',
  'BF16',
  'F64',
  'I64',
  'I32',
  'U8',
  'BOOL',
  'F8_E4M3',
  'f32',
  'Q7',
  'constructor',
  '__proto__',
  '',
];
const dtypeBytes: Record<string, number> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I64: 8,
  I32: 4,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
};

/** A safetensors file: usually laid out as the format says, with one of the ways a file goes wrong now and then. */
export function safetensorsFile(r: Rng): Uint8Array {
  const n = randInt(r, 0, 5);
  const header: Record<string, unknown> = {};
  if (r() < 0.3) header.__metadata__ = r() < 0.8 ? { format: 'pt' } : edge(r);
  let offset = 0;
  const names = Array.from({ length: n }, (_, i) =>
    r() < 0.95 ? `t${i}.weight` : pick(r, ['__proto__', 'constructor', '', 'a'.repeat(500)]),
  );
  for (const name of names) {
    const dtype = r() < 0.85 ? pick(r, ['F32', 'F16', 'BF16']) : pick(r, dtypes);
    const shape = Array.from({ length: randInt(r, 0, 3) }, () => (r() < 0.9 ? randInt(r, 0, 6) : edge(r)));
    const count = shape.reduce<number>((a, b) => a * (typeof b === 'number' ? b : 1), 1);
    const bytes = (dtypeBytes[dtype] ?? 4) * (Number.isFinite(count) ? count : 1);
    let begin = offset;
    let end = offset + bytes;
    const damage = r();
    if (damage < 0.05)
      begin -= randInt(r, 1, 4); // overlap
    else if (damage < 0.1)
      [begin, end] = [begin + 4, end + 4]; // hole
    else if (damage < 0.13)
      end += 1; // size mismatch
    else if (damage < 0.15) [begin, end] = [end, begin];
    offset = Math.max(offset, end);
    header[name] = r() < 0.97 ? { dtype, shape, data_offsets: r() < 0.97 ? [begin, end] : edge(r) } : edge(r);
  }
  let json = JSON.stringify(header);
  if (r() < 0.05) json = json.slice(0, randInt(r, 0, json.length));
  while (json.length % 8 && r() < 0.9) json += ' ';
  const text = new TextEncoder().encode(json);
  const trailing = r() < 0.05 ? randInt(r, 1, 16) : 0;
  const truncate = r() < 0.05 ? randInt(r, 1, 16) : 0;
  const dataLen = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, 1 << 16) + trailing - truncate);
  const out = new Uint8Array(8 + text.length + dataLen);
  let headerLen = BigInt(text.length);
  const lenDamage = r();
  if (lenDamage < 0.03) headerLen = 1n << BigInt(randInt(r, 20, 63));
  else if (lenDamage < 0.05) headerLen = BigInt(randInt(r, 0, 1));
  new DataView(out.buffer).setBigUint64(0, headerLen, true);
  out.set(text, 8);
  for (let i = 8 + text.length; i < out.length; i++) out[i] = randInt(r, 0, 255);
  if (r() < 0.03) return out.slice(0, randInt(r, 0, out.length));
  return out;
}

// ---- config.json ----

/** A T5 config.json: every field drawn from its valid range most of the time. */
export function configJson(r: Rng): Record<string, unknown> {
  const int = (lo: number, hi: number) => mostly(r, () => randInt(r, lo, hi), 0.9);
  const c: Record<string, unknown> = {
    model_type: mostly(r, () => 't5', 0.95),
    vocab_size: int(1, 400),
    d_model: int(1, 64),
    d_kv: int(1, 16),
    num_heads: int(1, 8),
    d_ff: int(1, 128),
    num_layers: r() < 0.05 ? pick(r, [1e5, 1e6, 1e9]) : int(1, 4),
    relative_attention_num_buckets: int(1, 32),
    relative_attention_max_distance: int(1, 128),
    layer_norm_epsilon: mostly(r, () => 1e-6, 0.9),
    dropout_rate: mostly(r, () => r() * 0.5, 0.9),
    tie_word_embeddings: mostly(r, () => r() < 0.5, 0.9),
  };
  if (r() < 0.5) c.num_decoder_layers = r() < 0.05 ? pick(r, [1e5, 1e6]) : int(1, 4);
  if (r() < 0.7) c.feed_forward_proj = mostly(r, () => pick(r, ['relu', 'gated-gelu', 'gated-silu']), 0.9);
  if (r() < 0.1) c.d_model = pick(r, [65_536, 1e6]);
  for (const k of Object.keys(c)) if (r() < 0.03) delete c[k];
  return c;
}

// ---- tokenizer.json ----

/** Regex patterns: what real tokenizers use, random small patterns from a grammar, and repeated groups. */
function regex(r: Rng): string {
  const atom = () =>
    pick(r, [
      'a',
      '\\s',
      '\\p{L}',
      '[a-z]',
      '[^\\s]',
      '.',
      '\\d',
      ' ',
      "'",
      '(?:ab)',
      '(a|b)',
      '(a+)',
      '(\\w*)',
      '[(+]',
    ]);
  const quant = () => pick(r, ['', '', '+', '*', '?', '{2}', '{1,3}', '{2,}']);
  const seq = () => Array.from({ length: randInt(r, 1, 3) }, () => atom() + quant()).join('');
  switch (randInt(r, 0, 4)) {
    case 0:
      return pick(r, [
        ' {2,}',
        "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
        '\\s+',
        '[0-9]',
      ]);
    case 1:
      return `(${seq()})${quant()}`;
    case 2:
      return seq() + (r() < 0.5 ? '|' + seq() : '');
    case 3:
      return pick(r, ['(a+)+$', '(a*)*b', '(a|aa)+$', '((a+)b?)+$', '(\\s*a)*$', '([a-z]+)*$']);
    default:
      return pick(r, ['(', '[', 'a{', '\\', '(?<n>a)\\k<n>', 'x'.repeat(2000)]);
  }
}

const pattern = (r: Rng) =>
  r() < 0.8 ? { Regex: regex(r) } : r() < 0.7 ? { String: pick(r, [' ', 'a', '▁']) } : edge(r);

function stage(r: Rng, kind: 'normalizer' | 'pre_tokenizer' | 'decoder' | 'post_processor', depth = 0): unknown {
  if (r() < 0.3) return null;
  if (r() < 0.04) return edge(r);
  const seqKey = {
    normalizer: 'normalizers',
    pre_tokenizer: 'pretokenizers',
    decoder: 'decoders',
    post_processor: 'processors',
  }[kind];
  if (depth < 3 && r() < 0.15)
    return {
      type: 'Sequence',
      [seqKey]: r() < 0.95 ? Array.from({ length: randInt(r, 0, 3) }, () => stage(r, kind, depth + 1)) : edge(r),
    };
  switch (kind) {
    case 'normalizer':
      return pick(r, [
        () => ({ type: 'NFKC' }),
        () => ({ type: 'Lowercase' }),
        () => ({ type: 'Replace', pattern: pattern(r), content: ' ' }),
        () => ({ type: 'Prepend', prepend: '▁' }),
        () => ({ type: pick(r, ['Nope', undefined, 3]) }),
      ])();
    case 'pre_tokenizer':
      return pick(r, [
        () => ({ type: 'WhitespaceSplit' }),
        () => ({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }),
        () => ({
          type: 'Split',
          pattern: pattern(r),
          behavior: pick(r, ['Isolated', 'Removed', 'MergedWithPrevious']),
          invert: r() < 0.2,
        }),
        () => ({ type: 'Digits', individual_digits: true }),
        () => ({ type: pick(r, ['Nope', undefined]) }),
      ])();
    case 'decoder':
      return pick(r, [
        () => ({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }),
        () => ({ type: 'Replace', pattern: pattern(r), content: '' }),
        () => ({ type: 'Fuse' }),
        () => ({ type: pick(r, ['Nope', undefined]) }),
      ])();
    default:
      return pick(r, [
        () => ({
          type: 'TemplateProcessing',
          single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
          pair: [],
          special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
        }),
        () => ({ type: pick(r, ['Nope', undefined]) }),
        () => ({}),
      ])();
  }
}

const idOr = (r: Rng, valid: number) =>
  r() < 0.93 ? valid : pick(r, [-1, 2 ** 32, 1e308, 1e9, 1.5, '3', null, valid + 7, 0]);

/** A tokenizer.json following the library's schema, with wrong ids, shapes, types and patterns now and then. */
export function tokenizerJson(r: Rng): unknown {
  const letters = 'abcdefgh'.split('').slice(0, randInt(r, 1, 8));
  const pieces = ['<pad>', '</s>', '<unk>', '▁', ...letters, ...letters.map((l) => `▁${l}`)];
  const type = r() < 0.92 ? pick(r, ['Unigram', 'Unigram', 'BPE', 'WordPiece']) : pick(r, ['Mystery', undefined, 7]);
  const asList = type === 'Unigram' ? r() < 0.95 : r() < 0.05; // a vocabulary of the other model type now and then
  const vocab = asList
    ? pieces.map((p) => [p, r() < 0.97 ? -1 - r() * 5 : edge(r)])
    : Object.fromEntries(pieces.map((p, i) => [p, idOr(r, i)]));
  const model: Record<string, unknown> = { type, vocab };
  if (type === 'Unigram') model.unk_id = idOr(r, 2);
  else {
    model.unk_token = '<unk>';
    if (type === 'BPE') model.merges = r() < 0.95 ? [] : edge(r);
    if (type === 'WordPiece') model.continuing_subword_prefix = '##';
  }
  const extra = r() < 0.3 ? randInt(r, 1, 3) : 0;
  const added = [0, 1, 2].map((id) => ({ id: idOr(r, id), content: pieces[id], special: true }));
  for (let k = 0; k < extra; k++)
    added.push({ id: idOr(r, pieces.length + k), content: `<extra_${k}>`, special: true });
  const doc: Record<string, unknown> = {
    version: '1.0',
    added_tokens: r() < 0.97 ? added : edge(r),
    normalizer: stage(r, 'normalizer'),
    pre_tokenizer: stage(r, 'pre_tokenizer'),
    post_processor: stage(r, 'post_processor'),
    decoder: stage(r, 'decoder'),
    model: r() < 0.98 ? model : edge(r),
  };
  for (const k of Object.keys(doc)) if (r() < 0.02) delete doc[k];
  return doc;
}

/** Texts each accepted tokenizer must encode in time, among them the backtracking trap of `(a+)+$`. */
export const probeTexts = ['', 'abc', 'a b  c', `${'a'.repeat(30)}!`, 'éß😀 \u0000', 'ab'.repeat(200)];

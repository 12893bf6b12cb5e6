// Checks a parsed tokenizer.json against its schema (the Hugging Face tokenizers library's serialization) before the
// library sees it: the library indexes whatever it is given, so a bad id becomes a wrong id at encode time, a huge id
// a minute of work, and a catastrophic regular expression a hang. Everything here is linear in the document's size.
import { fmtCount, jsonDepthOver, limits, overLimit } from '../limits';
import { TokenizerError } from './tokenizer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown) => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 80));
const fail = (msg: string): never => {
  throw new TokenizerError(`invalid tokenizer.json: ${msg}`);
};
const isId = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < limits.vocab.value;
const idRule = `an integer from 0 to ${fmtCount(limits.vocab.value - 1)}`;

// The stage types the library builds (its create_* switches); anything else would be refused by it with "Unknown ...
// type: undefined", which names neither the stage nor the types it takes.
const stageTypes = {
  normalizer: [
    'BertNormalizer',
    'Precompiled',
    'Sequence',
    'Replace',
    'NFC',
    'NFD',
    'NFKC',
    'NFKD',
    'Strip',
    'StripAccents',
    'Lowercase',
    'Prepend',
  ],
  pre_tokenizer: [
    'BertPreTokenizer',
    'Sequence',
    'Whitespace',
    'WhitespaceSplit',
    'Metaspace',
    'ByteLevel',
    'Split',
    'Punctuation',
    'Digits',
    'Replace',
    'FixedLength',
  ],
  post_processor: ['TemplateProcessing', 'ByteLevel', 'BertProcessing', 'RobertaProcessing', 'Sequence'],
  decoder: [
    'ByteLevel',
    'WordPiece',
    'Metaspace',
    'BPEDecoder',
    'CTC',
    'Sequence',
    'Replace',
    'Fuse',
    'Strip',
    'ByteFallback',
  ],
} as const;
/** Where each stage's "Sequence" keeps its children. */
const sequenceKeys = {
  normalizer: 'normalizers',
  pre_tokenizer: 'pretokenizers',
  post_processor: 'processors',
  decoder: 'decoders',
} as const;
type Stage = keyof typeof stageTypes;

/**
 * Why a regular expression can backtrack exponentially, or null: a repeated group (`*`, `+`, `{n,}`, `{n,m}`) that
 * itself holds a repetition or an alternation, as in `(a+)+`, `(a*)*`, `(a|aa)+`. Such a pattern is refused rather
 * than run: on a string of 30 characters it can take longer than a run.
 */
export function catastrophicRegex(pattern: string): string | null {
  interface Group {
    repeats: boolean;
    alternates: boolean;
  }
  const stack: Group[] = [{ repeats: false, alternates: false }];
  /** Length of a repetition quantifier at i (0: none); `?` alone does not repeat. */
  const repetition = (i: number): number => {
    const c = pattern[i];
    if (c === '*' || c === '+') return 1;
    if (c !== '{') return 0;
    const m = /^\{(\d*)(,(\d*))?\}/.exec(pattern.slice(i, i + 24));
    if (!m || (m[1] === '' && !m[2])) return 0;
    const hi = m[2] ? (m[3] === '' ? Infinity : Number(m[3])) : Number(m[1]);
    return hi > 1 ? m[0].length : 0;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const top = stack[stack.length - 1];
    if (c === '\\') {
      i++;
      if (repetition(i + 1)) top.repeats = true;
    } else if (c === '[') {
      // A character class is one atom: skip to its closing bracket.
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j;
      if (repetition(i + 1)) top.repeats = true;
    } else if (c === '(') stack.push({ repeats: false, alternates: false });
    else if (c === '|') top.alternates = true;
    else if (c === ')' && stack.length > 1) {
      const group = stack.pop()!;
      const parent = stack[stack.length - 1];
      const q = repetition(i + 1);
      if (q && (group.repeats || group.alternates)) {
        return group.repeats
          ? 'a repeated group holds a repetition (nested quantifiers)'
          : 'a repeated group holds alternatives';
      }
      parent.repeats ||= group.repeats || q > 0;
    } else if (repetition(i)) top.repeats = true;
  }
  return null;
}

function checkPattern(where: string, pattern: unknown): void {
  if (!isObject(pattern))
    return fail(`${where}.pattern must be {"Regex": "..."} or {"String": "..."} (got ${shown(pattern)})`);
  if (typeof pattern.String === 'string') {
    if (pattern.String.length > limits.fieldChars.value)
      fail(`${where}.pattern.String has ${overLimit('fieldChars', pattern.String.length)}`);
    return;
  }
  const re = pattern.Regex;
  if (typeof re !== 'string')
    return fail(`${where}.pattern must be {"Regex": "..."} or {"String": "..."} (got ${shown(pattern)})`);
  if (re.length > limits.patternChars.value) fail(`${where}.pattern.Regex has ${overLimit('patternChars', re.length)}`);
  const why = catastrophicRegex(re);
  if (why)
    fail(`${where}.pattern.Regex ${shown(re)} is refused: ${why}, which can take exponential time on short texts`);
}

function checkStage(stage: Stage, where: string, value: unknown, depth: number): void {
  // A stage may be absent (null); a step inside a Sequence may not (the library dereferences each one).
  if ((value === null || value === undefined) && depth === 1) return;
  if (depth > limits.tokenizerStages.value)
    fail(`${where} nests more than ${limits.tokenizerStages.value} stages deep`);
  if (!isObject(value)) return fail(`${where} must be an object with a "type" (got ${shown(value)})`);
  const types: readonly string[] = stageTypes[stage];
  if (typeof value.type !== 'string' || !types.includes(value.type)) {
    fail(`${where}.type ${shown(value.type)} is not one of ${types.join(', ')}`);
  }
  if ('pattern' in value) checkPattern(where, value.pattern);
  if (value.type === 'Sequence') {
    const key = sequenceKeys[stage];
    const children = value[key];
    if (!Array.isArray(children)) return fail(`${where}.${key} must be a list (got ${shown(children)})`);
    children.forEach((child, i) => checkStage(stage, `${where}.${key}[${i}]`, child, depth + 1));
  }
}

/** Ids of a BPE or WordPiece vocabulary (piece → id): each in range and each id used once, 0..n−1 with no hole. */
function checkIdVocab(vocab: unknown): number {
  if (!isObject(vocab)) return fail(`"model.vocab" must be an object of piece → id (got ${shown(vocab)})`);
  const entries = Object.entries(vocab);
  if (entries.length === 0) fail('"model.vocab" is empty');
  if (entries.length > limits.vocab.value) fail(`"model.vocab" has ${overLimit('vocab', entries.length)}`);
  const seen = new Uint8Array(entries.length);
  for (const [piece, id] of entries) {
    if (!isId(id)) fail(`"model.vocab" gives "${piece.slice(0, 40)}" the id ${shown(id)}, not ${idRule}`);
    if ((id as number) >= entries.length)
      fail(`"model.vocab" ids must run 0..${entries.length - 1} without gaps, but "${piece.slice(0, 40)}" has ${id}`);
    if (seen[id as number]) fail(`"model.vocab" gives the id ${id} to two pieces`);
    seen[id as number] = 1;
  }
  return entries.length;
}

/** A Unigram vocabulary: a list of [piece, score] pairs, the index being the id. */
function checkUnigram(model: Json): number {
  const vocab = model.vocab;
  if (!Array.isArray(vocab) || vocab.length === 0)
    return fail('"model.vocab" must be a non-empty list of [piece, score] pairs');
  if (vocab.length > limits.vocab.value) fail(`"model.vocab" has ${overLimit('vocab', vocab.length)}`);
  const bad = vocab.findIndex(
    (e) =>
      !Array.isArray(e) ||
      e.length !== 2 ||
      typeof e[0] !== 'string' ||
      typeof e[1] !== 'number' ||
      !Number.isFinite(e[1]),
  );
  if (bad >= 0) fail(`"model.vocab" entry ${bad} is ${shown(vocab[bad])}, not a [piece, score] pair`);
  const unk = model.unk_id;
  if (!Number.isInteger(unk) || (unk as number) < 0 || (unk as number) >= vocab.length) {
    fail(`"model.unk_id" ${shown(unk)} is not an index into the ${vocab.length}-piece vocabulary`);
  }
  return vocab.length;
}

const modelVocab: Record<string, (model: Json) => number> = {
  Unigram: checkUnigram,
  BPE: (m) => {
    if (m.merges !== undefined && !Array.isArray(m.merges))
      fail(`"model.merges" must be a list (got ${shown(m.merges)})`);
    return checkIdVocab(m.vocab);
  },
  WordPiece: (m) => checkIdVocab(m.vocab),
};

/** Added tokens may repeat vocabulary ids (T5 lists <pad>, </s>, <unk> again) or extend the ids densely past them. */
function checkAddedTokens(added: unknown, vocabSize: number): void {
  if (added === undefined || added === null) return;
  if (!Array.isArray(added)) return fail(`"added_tokens" must be a list (got ${shown(added)})`);
  if (added.length > limits.vocab.value) fail(`"added_tokens" has ${overLimit('vocab', added.length)}`);
  const extra: number[] = [];
  added.forEach((t, i) => {
    if (!isObject(t)) return fail(`"added_tokens"[${i}] must be an object with "id" and "content" (got ${shown(t)})`);
    if (!isId(t.id)) fail(`"added_tokens"[${i}].id ${shown(t.id)} is not ${idRule}`);
    if (typeof t.content !== 'string' || t.content.length === 0 || t.content.length > limits.fieldChars.value) {
      fail(`"added_tokens"[${i}].content must be a non-empty string (got ${shown(t.content)})`);
    }
    if ((t.id as number) >= vocabSize) extra.push(t.id as number);
  });
  extra.sort((a, b) => a - b);
  extra.forEach((id, k) => {
    if (id !== vocabSize + k)
      fail(
        `"added_tokens" ids past the ${vocabSize}-piece vocabulary must continue it without gaps (${vocabSize + k} expected, got ${id})`,
      );
  });
}

/** Throws a TokenizerError naming the first problem of a parsed tokenizer.json. */
export function checkTokenizerJson(raw: unknown): void {
  if (!isObject(raw)) return fail('not a JSON object');
  if (jsonDepthOver(raw)) fail(`it nests deeper than the ${limits.depth.value} ${limits.depth.what} this app reads`);
  const model = raw.model;
  if (!isObject(model)) return fail('it has no "model" object');
  const kinds = Object.keys(modelVocab);
  if (typeof model.type !== 'string' || !Object.hasOwn(modelVocab, model.type))
    fail(`"model.type" ${shown(model.type)} is not one of ${kinds.join(', ')}`);
  const vocabSize = modelVocab[model.type as string](model);
  checkAddedTokens(raw.added_tokens, vocabSize);
  for (const stage of Object.keys(stageTypes) as Stage[]) checkStage(stage, stage, raw[stage], 1);
}

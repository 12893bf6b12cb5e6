// A checkpoint folder's own tokenizer: its tokenizer.json, else its spiece.model (converted to the tokenizer.json that
// Hugging Face would make of it), checked against the folder's config.json: the pad, eos and sentinel ids must be the
// ones the model was trained with, or the load names each that disagrees.
import { loadHfTokenizer } from './hfTokenizer';
import { spieceToTokenizerJson } from './sentencepiece';
import type { Tokenizer } from './tokenizer';
import { TokenizerError } from './tokenizer';

export type CheckpointTokenizerKind = 'tokenizer.json' | 'spiece.model';

export interface CheckpointTokenizer {
  kind: CheckpointTokenizerKind;
  tokenizer: Tokenizer;
  /** The tokenizer.json it runs (what convert writes, what the worker rebuilds it from). */
  json: Record<string, unknown>;
  /** Ids of the <extra_id_N> sentinels, by N. */
  sentinels: number[];
  /** The pad and end tokens it was built with, when a file named them (else "<pad>" and "</s>"). */
  padToken?: string;
  eosToken?: string;
}

export interface TokenizerFiles {
  tokenizerJson?: string;
  spiece?: Uint8Array;
  /** tokenizer_config.json: may name the pad and eos tokens and the number of sentinels (extra_ids). */
  tokenizerConfig?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(text: string, file: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new TokenizerError(`invalid ${file}: not valid JSON`);
  }
  if (!isObject(v)) throw new TokenizerError(`invalid ${file}: not a JSON object`);
  return v;
}

/** A token named in tokenizer_config.json: a string or {content: string}. */
const tokenName = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : isObject(v) && typeof v.content === 'string' ? v.content : undefined;

/** Ids of the <extra_id_N> tokens a tokenizer.json holds, by N. */
function sentinelIds(json: Json): number[] {
  const found = new Map<number, number>();
  const note = (piece: unknown, id: number) => {
    const m = typeof piece === 'string' ? /^<extra_id_(\d+)>$/.exec(piece) : null;
    if (m) found.set(Number(m[1]), id);
  };
  const model = isObject(json.model) ? json.model : {};
  if (Array.isArray(model.vocab)) model.vocab.forEach((e, id) => note(Array.isArray(e) ? e[0] : undefined, id));
  else if (isObject(model.vocab))
    for (const [p, id] of Object.entries(model.vocab)) if (typeof id === 'number') note(p, id);
  if (Array.isArray(json.added_tokens))
    for (const a of json.added_tokens) if (isObject(a) && typeof a.id === 'number') note(a.content, a.id);
  return [...found.keys()].sort((a, b) => a - b).map((n) => found.get(n)!);
}

/** The folder's tokenizer, or null when it has neither tokenizer.json nor spiece.model (runs then use bytes). */
export function tokenizerFromFiles(files: TokenizerFiles): CheckpointTokenizer | null {
  const cfg = files.tokenizerConfig ? parse(files.tokenizerConfig, 'tokenizer_config.json') : {};
  let kind: CheckpointTokenizerKind;
  let json: Json;
  let pad = tokenName(cfg.pad_token);
  let eos = tokenName(cfg.eos_token);
  if (files.tokenizerJson !== undefined) {
    kind = 'tokenizer.json';
    json = parse(files.tokenizerJson, 'tokenizer.json');
  } else if (files.spiece) {
    kind = 'spiece.model';
    const extra = cfg.extra_ids ?? 100;
    if (!Number.isInteger(extra) || (extra as number) < 0 || (extra as number) > 10_000)
      throw new TokenizerError(
        `tokenizer_config.json: "extra_ids" must be a count of sentinels (got ${JSON.stringify(extra)})`,
      );
    const sp = spieceToTokenizerJson(files.spiece, extra as number);
    json = sp.json;
    pad ??= sp.padToken;
    eos ??= sp.eosToken;
  } else return null;
  const tokenizer = loadHfTokenizer(json, { name: kind, padToken: pad, eosToken: eos });
  return { kind, tokenizer, json, sentinels: sentinelIds(json), padToken: pad, eosToken: eos };
}

/**
 * Where the tokenizer and the model's config.json disagree: pad and eos ids, the vocabulary (sentinels included)
 * fitting the embedding, and the engine's own convention (pad and decoder start are id 0, as in every T5).
 */
export function tokenizerConfigProblems(tok: CheckpointTokenizer, config: Json): string[] {
  const problems: string[] = [];
  const t = tok.tokenizer;
  const want = (key: string, fallback: number) =>
    typeof config[key] === 'number' ? (config[key] as number) : fallback;
  const pad = want('pad_token_id', 0);
  const eos = want('eos_token_id', 1);
  const start = want('decoder_start_token_id', pad);
  const vocab = want('vocab_size', 0);
  if (t.padId !== pad)
    problems.push(`pad: the tokenizer's pad token is id ${t.padId}, config.json's pad_token_id is ${pad}`);
  if (t.eosId !== eos)
    problems.push(`eos: the tokenizer's end token is id ${t.eosId}, config.json's eos_token_id is ${eos}`);
  if (start !== 0 || pad !== 0)
    problems.push(
      `this engine pads and starts decoding with id 0, but config.json has pad_token_id ${pad} and decoder_start_token_id ${start}`,
    );
  const lastSentinel = Math.max(-1, ...tok.sentinels);
  if (lastSentinel >= vocab) {
    problems.push(
      `sentinels: the tokenizer's <extra_id_N> tokens reach id ${lastSentinel}, past config.json's vocab_size ${vocab}`,
    );
  } else if (t.vocabSize > vocab) {
    problems.push(`vocabulary: the tokenizer has ${t.vocabSize} ids, more than config.json's vocab_size ${vocab}`);
  }
  return problems;
}

/** tokenizerFromFiles, refused with every disagreement named when it does not fit the config. */
export function checkedTokenizer(files: TokenizerFiles, config: Json): CheckpointTokenizer | null {
  const tok = tokenizerFromFiles(files);
  if (!tok) return null;
  const problems = tokenizerConfigProblems(tok, config);
  if (problems.length)
    throw new TokenizerError(`the ${tok.kind} tokenizer disagrees with config.json: ${problems.join('; ')}`);
  return tok;
}

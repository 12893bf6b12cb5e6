// Truncation that keeps what matters. Real-text tasks wrap each text in a frame every input shares: an instruction
// before it ("What is the topic of ...? Option: ...\n") and an answer cue after it ("\nAnswer:"). Cutting the end
// of such an input removes the text and the cue and leaves the constant instruction, so every input of a long-text
// task can become the same. Here an input that is too long keeps its cue, the head and the end of its text (joined
// by " … "), and the instruction only when the tokenizer is a real one (a pretrained model reads it) and it takes at
// most half the room; for a byte-level model the instruction is dropped.
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { Example } from './batching';

export interface Frame {
  /** The instruction: the longest prefix every input shares, up to and including a line break ('' if none). */
  prefix: string;
  /** The answer cue: the longest suffix every input shares, from a line break on ('' if none). */
  suffix: string;
}

const ELLIPSIS = ' … ';

/** The frame the inputs share; none for fewer than two distinct inputs. */
export function sharedFrame(inputs: string[]): Frame {
  if (new Set(inputs).size < 2) return { prefix: '', suffix: '' };
  let pre = inputs[0].length;
  let suf = inputs[0].length;
  const first = inputs[0];
  for (const s of inputs) {
    let i = 0;
    while (i < pre && i < s.length && s[i] === first[i]) i++;
    pre = i;
    let j = 0;
    while (j < suf && j < s.length && s[s.length - 1 - j] === first[first.length - 1 - j]) j++;
    suf = j;
  }
  const prefix = first.slice(0, first.lastIndexOf('\n', pre - 1) + 1);
  const tail = first.slice(first.length - suf);
  const nl = tail.indexOf('\n');
  const suffix = nl < 0 ? '' : tail.slice(nl);
  // Every input must hold both, apart: the shortest input bounds them.
  const shortest = Math.min(...inputs.map((s) => s.length));
  return prefix.length + suffix.length <= shortest ? { prefix, suffix } : { prefix, suffix: '' };
}

/** Tokens of `text` without the end token. */
const cost = (tok: Tokenizer, text: string) => (text ? tok.encode(text).length - 1 : 0);
// A byte tokenizer's cut may split a UTF-8 character: the half-character decodes to U+FFFD and is dropped.
const clean = (s: string) => s.replace(/^\uFFFD+|\uFFFD+$/g, '');

/** `input` shortened to at most `maxLen` tokens (end token included), keeping its cue and the head and end of its text. */
export function fitInput(tok: Tokenizer, input: string, frame: Frame, maxLen: number): string {
  if (tok.encode(input).length <= maxLen) return input;
  const { suffix } = frame;
  const body = input.slice(frame.prefix.length, input.length - suffix.length);
  const keepPrefix = tok.name !== 'byte' && cost(tok, frame.prefix) + cost(tok, suffix) <= maxLen / 2;
  const prefix = keepPrefix ? frame.prefix : '';
  const whole = `${prefix}${body}${suffix}`;
  if (tok.encode(whole).length <= maxLen) return whole;
  const ids = tok.encode(body).slice(0, -1);
  let room = maxLen - 1 - cost(tok, prefix) - cost(tok, suffix) - cost(tok, ELLIPSIS.trim()) - 1;
  // Decoding pieces and encoding the result again can shift a boundary by a token or two: shrink until it fits.
  for (let tries = 0; tries < 6 && room > 1; tries++) {
    const head = Math.ceil(room / 2);
    const text = `${prefix}${clean(tok.decode(ids.slice(0, head)))}${ELLIPSIS}${clean(tok.decode(ids.slice(ids.length - (room - head))))}${suffix}`;
    const over = tok.encode(text).length - maxLen;
    if (over <= 0) return text;
    room -= Math.max(1, over);
  }
  // No room for the text beside the frame: the end of the input, which holds the cue.
  return clean(tok.decode(tok.encode(input).slice(-maxLen, -1)));
}

export interface FitResult {
  examples: Example[];
  /** Inputs that were shortened. */
  cut: number;
  /** Distinct inputs before and after (fewer after: truncation made different inputs identical). */
  distinctBefore: number;
  distinctAfter: number;
}

/** Fits every input of a task's examples (`frame` from all of its inputs) into maxLen tokens. */
export function fitInputs(tok: Tokenizer, examples: Example[], frame: Frame, maxLen: number): FitResult {
  let cut = 0;
  const out = examples.map((e) => {
    const input = fitInput(tok, e.input, frame, maxLen);
    if (input !== e.input) cut++;
    return input === e.input ? e : { ...e, input };
  });
  return {
    examples: out,
    cut,
    distinctBefore: new Set(examples.map((e) => e.input)).size,
    distinctAfter: new Set(out.map((e) => e.input)).size,
  };
}

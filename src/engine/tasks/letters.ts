// Letter strings and the elementary string rules that several tasks share (so a composition reuses its parts).
import { randInt, type Rng } from '../util/rng';

export const MIN_WORD_LEN = 3;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/** A lowercase string of MIN_WORD_LEN..maxLen letters; each letter after the first repeats an earlier one with `repeatProb`. */
export function randomWord(rng: Rng, maxLen: number, repeatProb = 0): string {
  const n = randInt(rng, MIN_WORD_LEN, maxLen);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += i > 0 && rng() < repeatProb ? s[randInt(rng, 0, i - 1)] : ALPHABET[randInt(rng, 0, 25)];
  }
  return s;
}

export const reverseLetters = (s: string) => [...s].reverse().join('');
export const sortLetters = (s: string) => [...s].sort().join('');

/** Caesar shift of lowercase letters by k (wrapping z→a for k = 1). */
export function shiftLetters(s: string, k: number): string {
  return [...s].map((c) => ALPHABET[(ALPHABET.indexOf(c) + k + 26) % 26]).join('');
}

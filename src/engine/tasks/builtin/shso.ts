import { randomWord, shiftLetters, sortLetters } from '../letters';
import type { TaskDef } from '../types';

export const shso: TaskDef = {
  name: 'shso',
  title: 'shso (shift then sort)',
  description: 'Shift each letter by +1, then sort (zab → abc).',
  instruction: 'shso: ',
  metric: 'exact',
  tags: ['string', 'composition'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: sortLetters(shiftLetters(input, 1)) };
  },
};

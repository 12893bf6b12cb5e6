import { randomWord, reverseLetters, shiftLetters } from '../letters';
import type { TaskDef } from '../types';

export const rvsh: TaskDef = {
  name: 'rvsh',
  title: 'rvsh (reverse then shift)',
  description: 'Reverse the letters, then shift each by +1 (abz → acb).',
  instruction: 'rvsh: ',
  metric: 'exact',
  tags: ['string', 'composition'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: shiftLetters(reverseLetters(input), 1) };
  },
};

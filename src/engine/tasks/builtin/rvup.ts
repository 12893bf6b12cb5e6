import { randomWord, reverseLetters } from '../letters';
import type { TaskDef } from '../types';

export const rvup: TaskDef = {
  name: 'rvup',
  title: 'rvup (reverse then uppercase)',
  description: 'Reverse the letters and write them in capitals (abc → CBA).',
  instruction: 'rvup: ',
  metric: 'exact',
  tags: ['string', 'composition'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: reverseLetters(input).toUpperCase() };
  },
};

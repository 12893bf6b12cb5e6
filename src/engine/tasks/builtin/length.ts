import { randomWord } from '../letters';
import type { TaskDef } from '../types';

export const length: TaskDef = {
  name: 'length',
  title: 'Length',
  description: 'Write the number of letters in digits (abcde → 5).',
  instruction: 'length: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: String(input.length) };
  },
};

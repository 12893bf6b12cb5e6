import { randomWord } from '../letters';
import type { TaskDef } from '../types';

export const upper: TaskDef = {
  name: 'upper',
  title: 'Uppercase',
  description: 'Write the letters in capitals (abc → ABC).',
  instruction: 'upper: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: input.toUpperCase() };
  },
};

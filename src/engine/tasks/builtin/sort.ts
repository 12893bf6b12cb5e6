import { randomWord, sortLetters } from '../letters';
import type { TaskDef } from '../types';

export const sort: TaskDef = {
  name: 'sort',
  title: 'Sort letters',
  description: 'Write the letters in alphabetical order (cab → abc).',
  instruction: 'sort: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: sortLetters(input) };
  },
};

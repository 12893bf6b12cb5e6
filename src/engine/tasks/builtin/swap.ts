import { randomWord } from '../letters';
import type { TaskDef } from '../types';

export const swap: TaskDef = {
  name: 'swap',
  title: 'Swap first and last',
  description: 'Exchange the first and the last letter (abcd → dbca).',
  instruction: 'swap: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: input[input.length - 1] + input.slice(1, -1) + input[0] };
  },
};

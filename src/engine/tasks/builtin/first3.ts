import { randomWord } from '../letters';
import type { TaskDef } from '../types';

export const first3: TaskDef = {
  name: 'first3',
  title: 'First three letters',
  description: 'Keep the first three letters (abcde → abc).',
  instruction: 'first3: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: input.slice(0, 3) };
  },
};

import { randomWord, reverseLetters } from '../letters';
import type { TaskDef } from '../types';

export const reverse: TaskDef = {
  name: 'reverse',
  title: 'Reverse',
  description: 'Write the letters in reverse order (abc → cba).',
  instruction: 'reverse: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: reverseLetters(input) };
  },
};

import { randomWord, reverseLetters } from '../letters';
import type { TaskDef } from '../types';

// The reverse skill under a new keyword: a continual task whose rule the pretrained base already holds (KIF.md §9).
export const rv: TaskDef = {
  name: 'rv',
  title: 'rv (reverse, new keyword)',
  description: 'Reverse the letters, asked with the new keyword "rv" (abc → cba).',
  instruction: 'rv: ',
  metric: 'exact',
  tags: ['string', 'composition'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: reverseLetters(input) };
  },
};

import { randomWord, shiftLetters } from '../letters';
import type { TaskDef } from '../types';

// Conflicts with `shift`: the same inputs, the opposite rule.
export const unshift: TaskDef = {
  name: 'unshift',
  title: 'Caesar shift −1',
  description: 'Replace each letter by the previous one, a wrapping to z (bca → abz); the opposite of shift.',
  instruction: 'unshift: ',
  metric: 'exact',
  tags: ['string', 'conflict'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: shiftLetters(input, -1) };
  },
};

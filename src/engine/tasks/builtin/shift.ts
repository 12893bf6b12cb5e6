import { randomWord, shiftLetters } from '../letters';
import type { TaskDef } from '../types';

export const shift: TaskDef = {
  name: 'shift',
  title: 'Caesar shift +1',
  description: 'Replace each letter by the next one, z wrapping to a (abz → bca).',
  instruction: 'shift: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: shiftLetters(input, 1) };
  },
};

import { randomWord } from '../letters';
import type { TaskDef } from '../types';

export const double: TaskDef = {
  name: 'double',
  title: 'Double each letter',
  description: 'Write every letter twice (abc → aabbcc).',
  instruction: 'double: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: [...input].map((c) => c + c).join('') };
  },
};

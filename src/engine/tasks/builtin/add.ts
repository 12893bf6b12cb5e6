import { randInt } from '../../util/rng';
import type { TaskDef } from '../types';

export const add: TaskDef = {
  name: 'add',
  title: 'Two-digit addition',
  description: 'Add two two-digit numbers (23+45 → 68).',
  instruction: 'add: ',
  metric: 'exact',
  tags: ['arithmetic'],
  generate(rng) {
    const a = randInt(rng, 10, 99);
    const b = randInt(rng, 10, 99);
    return { input: `${a}+${b}`, output: String(a + b) };
  },
};

import { randInt } from '../../util/rng';
import type { TaskDef } from '../types';

// The two numbers always differ: only 90 equal pairs exist, too few for a class once examples must be distinct.
export const compare: TaskDef = {
  name: 'compare',
  title: 'Compare numbers',
  description: 'Say whether the first of two different two-digit numbers is smaller (<) or larger (>) (23 45 → <).',
  instruction: 'compare: ',
  metric: 'exact',
  tags: ['arithmetic'],
  generate(rng) {
    const a = randInt(rng, 10, 99);
    let b = randInt(rng, 10, 98);
    if (b >= a) b++;
    return { input: `${a} ${b}`, output: a < b ? '<' : '>' };
  },
};

import { randomWord } from '../letters';
import type { TaskDef } from '../types';

// Uniform letters repeat too rarely in short strings for dedup to have much to do.
const REPEAT_PROB = 0.3;

export const dedup: TaskDef = {
  name: 'dedup',
  title: 'Deduplicate letters',
  description: 'Keep the first occurrence of each letter, drop repeats (banana → ban).',
  instruction: 'dedup: ',
  metric: 'exact',
  tags: ['string', 'skill'],
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen, REPEAT_PROB);
    return { input, output: [...new Set(input)].join('') };
  },
};

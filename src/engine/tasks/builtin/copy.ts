import { randomWord } from '../letters';
import type { TaskDef } from '../types';

export const copy: TaskDef = {
  name: 'copy',
  title: 'Copy',
  description: 'Repeat the letters unchanged (abc → abc); for building a pretrained base.',
  instruction: 'copy: ',
  metric: 'exact',
  tags: ['string', 'pretrain'],
  pretrainOnly: true,
  generate(rng, { maxLen }) {
    const input = randomWord(rng, maxLen);
    return { input, output: input };
  },
};

import { randInt } from '../../util/rng';
import { randomWord } from '../letters';
import type { TaskDef } from '../types';

// Span corruption on letter strings, T5's pretraining objective in miniature ("_" stands for the sentinel).
export const span: TaskDef = {
  name: 'span',
  title: 'Fill the gap',
  description: 'Write the 1–2 letters hidden behind "_" (ab_e for abcde → cd); for building a pretrained base.',
  instruction: 'span: ',
  metric: 'exact',
  tags: ['string', 'pretrain'],
  pretrainOnly: true,
  generate(rng, { maxLen }) {
    const word = randomWord(rng, maxLen);
    const len = randInt(rng, 1, 2);
    const at = randInt(rng, 0, word.length - len);
    return { input: word.slice(0, at) + '_' + word.slice(at + len), output: word.slice(at, at + len) };
  },
};

import { negativeWords, positiveWords, sentence } from '../lexicon';
import type { TaskDef } from '../types';

export const sentiment: TaskDef = {
  name: 'sentiment',
  title: 'Sentiment (made-up lexicon)',
  description: 'Label a sentence of made-up words positive or negative by the majority of its polar words.',
  instruction: 'sentiment: ',
  metric: 'exact',
  tags: ['classification'],
  generate(rng) {
    const positive = rng() < 0.5;
    const [own, other] = positive ? [positiveWords, negativeWords] : [negativeWords, positiveWords];
    return { input: sentence(rng, own, other, 1, 3), output: positive ? 'positive' : 'negative' };
  },
};

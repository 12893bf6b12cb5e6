import { pick } from '../../util/rng';
import { sentence, topicWords } from '../lexicon';
import type { TaskDef } from '../types';

const topics = Object.keys(topicWords);

export const topic: TaskDef = {
  name: 'topic',
  title: 'Topic (made-up lexicon)',
  description: `Name the topic (${topics.join(', ')}) of a sentence of made-up words by the majority of its topic words.`,
  instruction: 'topic: ',
  metric: 'exact',
  tags: ['classification'],
  generate(rng) {
    const label = pick(rng, topics);
    const distractor =
      topicWords[
        pick(
          rng,
          topics.filter((t) => t !== label),
        )
      ];
    return { input: sentence(rng, topicWords[label], distractor, 2, 3), output: label };
  },
};

// A made-up lexicon for the classification tasks: the words mean nothing outside this file, so a model can only
// learn the labels from the training examples (no prior knowledge helps or hurts).
import { pick, randInt, shuffle, type Rng } from '../util/rng';

export const positiveWords = [
  'blorp',
  'zindy',
  'mefty',
  'quavo',
  'lumsy',
  'frell',
  'sopwin',
  'glade',
  'tarvy',
  'pimble',
] as const;
export const negativeWords = [
  'grusk',
  'vombat',
  'snerl',
  'drab',
  'kloth',
  'murk',
  'zegg',
  'flosk',
  'brint',
  'yawp',
] as const;

/** Topic label → its made-up vocabulary. */
export const topicWords: Record<string, readonly string[]> = {
  food: ['nomble', 'crunt', 'sabrel', 'pudge', 'tarkin', 'mellop', 'grist', 'fozzle'],
  sport: ['kickle', 'vaulter', 'dribb', 'scrumm', 'pitchet', 'lobbin', 'sprax', 'goalie'],
  music: ['tunkle', 'strumb', 'hummet', 'bassop', 'lilt', 'chordy', 'fiddex', 'drumlo'],
  space: ['orbix', 'starn', 'nebbo', 'cometh', 'lunox', 'galva', 'plinet', 'quasp'],
};

/** Words that carry no label, used to pad sentences. */
export const fillerWords = ['the', 'a', 'my', 'was', 'so', 'very', 'this', 'it', 'and', 'felt'] as const;

/**
 * A shuffled sentence of `label` words (count ≥ 1), `other` words (fewer than the label's, so the majority decides)
 * and 1–2 fillers.
 */
export function sentence(
  rng: Rng,
  label: readonly string[],
  other: readonly string[],
  minLabel: number,
  maxLabel: number,
): string {
  const nLabel = randInt(rng, minLabel, maxLabel);
  const nOther = other.length ? randInt(rng, 0, nLabel - 1) : 0;
  const words: string[] = [];
  for (let i = 0; i < nLabel; i++) words.push(pick(rng, label));
  for (let i = 0; i < nOther; i++) words.push(pick(rng, other));
  const nFill = randInt(rng, 1, 2);
  for (let i = 0; i < nFill; i++) words.push(pick(rng, fillerWords));
  return shuffle(rng, words).join(' ');
}

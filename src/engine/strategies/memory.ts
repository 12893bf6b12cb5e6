// The example memory of the replay strategies: M examples per earlier task, drawn once with a seeded shuffle.
import type { Encoded } from '../train/batching';
import { shuffle } from '../util/rng';
import type { StrategyEnv } from './types';

/** M examples of each task before k (fewer when a train set is smaller), the same for every strategy of a run. */
export function memoryBefore(env: StrategyEnv, k: number, perTask: number): Encoded[] {
  return env.encoded.slice(0, k).flatMap((rows, j) =>
    shuffle(
      env.rng(`memory/${j}`),
      rows.map((_, i) => i),
    )
      .slice(0, perTask)
      .map((i) => rows[i]),
  );
}

// End to end: one built-in demo run by the experiment runner on the active backend, timed from the call to the results
// document. The spec is read from the demo registry at run time; with base weights it starts from the pretrained base.
import * as tf from '@tensorflow/tfjs';
import { getDemo } from '../experiment/demos';
import type { LaneHost } from '../experiment/laneProtocol';
import { runExperiment } from '../experiment/runner';
import type { ResultsDocument } from '../experiment/results';
import type { HostTensors } from '../model/init';
import { round } from './stats';

export interface DemoBenchResult {
  demo: string;
  backend: string;
  init: 'pretrained' | 'scratch';
  strategies: number;
  tasks: number;
  /** Threads the strategies ran in (lanes.ts); 1: one after another. */
  lanes: number;
  /** Training steps reported (every strategy, every phase; task 0 taken over from another strategy counts too). */
  steps: number;
  wallSeconds: number;
  /** Mean final-row accuracy over strategies and tasks, in percent: a sanity figure, so a fast run that learns nothing shows. */
  meanFinalScore: number;
  warnings: string[];
  /** The run's results document, to compare with another run's (the bench writes it to its own file). */
  document: ResultsDocument;
}

export async function benchDemo(
  name: string,
  seed: number,
  baseWeights?: HostTensors,
  lanes?: LaneHost,
): Promise<DemoBenchResult> {
  const given = getDemo(name).spec({ seed });
  const spec = baseWeights ? { ...given, init: 'pretrained' as const } : given;
  let steps = 0;
  const hooks = { onProgress: () => void steps++ };
  // Lanes that did open, beside the one of this thread: what ran, not what was planned.
  let opened = 0;
  const counted: LaneHost | undefined = lanes && {
    count: lanes.count,
    open: () => {
      const lane = lanes.open();
      opened++;
      return lane;
    },
  };
  const options = { baseWeights, lanes: counted };
  const t0 = performance.now();
  const doc = await runExperiment(spec, hooks, options);
  const wallSeconds = (performance.now() - t0) / 1000;
  const finals = doc.strategies.flatMap((s) => s.matrix[s.matrix.length - 1] ?? []);
  return {
    demo: name,
    backend: tf.getBackend(),
    init: spec.init === 'pretrained' && baseWeights ? 'pretrained' : 'scratch',
    strategies: spec.strategies.length,
    tasks: spec.tasks.length,
    lanes: 1 + opened,
    steps,
    wallSeconds: round(wallSeconds, 1),
    meanFinalScore: round(finals.reduce((a, b) => a + b, 0) / Math.max(1, finals.length), 1),
    warnings: doc.warnings,
    document: doc,
  };
}

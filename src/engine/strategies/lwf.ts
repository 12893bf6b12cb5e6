import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../model/t5';
import { T5Model } from '../model/t5';
import { lwfInfo, type DistillLossName } from './catalog';
import { num, str } from './knobs';
import type { StrategyDef } from './types';

/** Mean over the label positions the mask keeps of a per-position loss [N]. */
const maskedMean = (perPosition: tf.Tensor, labelMask: tf.Tensor2D) => {
  const mask = tf.reshape(labelMask, [-1]);
  return tf.div(tf.sum(tf.mul(perPosition, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
};

/**
 * Distillation terms between teacher and student logits [N, V] (teacher-forced on the same decoder inputs):
 * kl  T²·KL(softmax(t/T) ‖ softmax(s/T)), Hinton's soft targets (T² keeps gradient sizes comparable across T);
 * ce  cross-entropy of the student on the teacher's most likely token at each position (hard pseudo-labels).
 */
type DistillLoss = (
  teacher: tf.Tensor2D,
  student: tf.Tensor2D,
  labelMask: tf.Tensor2D,
  temperature: number,
) => tf.Scalar;

export const distillLosses: Record<string, DistillLoss> = {
  kl: (t, s, mask, T) => {
    const pt = tf.softmax(tf.div(t, T));
    const perPos = tf.sum(tf.mul(pt, tf.sub(tf.logSoftmax(tf.div(t, T)), tf.logSoftmax(tf.div(s, T)))), 1);
    return tf.mul(maskedMean(perPos, mask), T * T) as tf.Scalar;
  },
  ce: (t, s, mask) => {
    const target = tf.oneHot(tf.argMax(t, 1), t.shape[1]);
    return maskedMean(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(s)), 1)), mask);
  },
} satisfies Record<DistillLossName, DistillLoss>;

export const lwf: StrategyDef = {
  ...lwfInfo,
  create(env, knobs) {
    let teacher: T5Model | null = null;
    const lambda = num(knobs, 'lambda');
    const distill = distillLosses[str(knobs, 'loss')];
    const temperature = num(knobs, 'temperature');
    return {
      async beforeTask(k) {
        teacher?.dispose();
        teacher = k > 0 ? new T5Model(env.config, await env.model.exportWeights()) : null;
      },
      hooks: () =>
        teacher
          ? {
              // Gradients are taken only for the student's variables, so none flow into the teacher.
              extraLoss: (batch: Batch) =>
                tf.mul(
                  distill(teacher!.forward(batch, false), env.model.forward(batch, true), batch.labelMask, temperature),
                  lambda,
                ) as tf.Scalar,
            }
          : {},
      dispose: () => teacher?.dispose(),
    };
  },
};

// The shared Hugging Face fixture's batch (../shared/fixtures/hf-t5-v1_0/expected.json) as the engine's tensors, and the
// largest difference between two lists of numbers: what every parity test against transformers needs.
import * as tf from '@tensorflow/tfjs';

export interface HfExpected {
  input_ids: number[][];
  attention_mask: number[][];
  decoder_input_ids: number[][];
  /** −100 marks a position without a label, as in transformers. */
  labels: number[][];
  loss: number;
  logits: number[][][];
}

export function fixtureBatch(exp: HfExpected) {
  return {
    inputIds: tf.tensor2d(exp.input_ids, undefined, 'int32'),
    inputMask: tf.tensor2d(exp.attention_mask, undefined, 'float32'),
    decoderInputIds: tf.tensor2d(exp.decoder_input_ids, undefined, 'int32'),
    labels: tf.tensor2d(
      exp.labels.map((r) => r.map((x) => Math.max(x, 0))),
      undefined,
      'int32',
    ),
    labelMask: tf.tensor2d(
      exp.labels.map((r) => r.map((x) => (x < 0 ? 0 : 1))),
      undefined,
      'float32',
    ),
  };
}

export function maxAbsDiff(want: ArrayLike<number>, got: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
  return worst;
}

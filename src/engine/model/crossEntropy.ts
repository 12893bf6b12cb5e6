// Token cross-entropy as one op with a closed-form gradient: per row, logsumexp(logits) − logits[label], whose gradient
// is softmax(logits) − onehot(label). Autodiff of log-softmax, a one-hot product and a sum makes about twice as many
// passes over the [positions, vocabulary] logits (the one-hot alone is a dense [N, V] float tensor); with a real T5's
// 32,128-token vocabulary each pass is 8 M floats at batch 16 × 16 output tokens.
import * as tf from '@tensorflow/tfjs';

/** Flat indices row·V + label of each row's label logit, for a gather from the flattened logits. */
function labelIndices(labels: tf.Tensor1D, vocab: number): tf.Tensor1D {
  const n = labels.shape[0];
  return tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocab, 'int32')), labels) as tf.Tensor1D;
}

const rowNll = tf.customGrad(((logits: tf.Tensor2D, labels: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const [n, vocab] = logits.shape;
  const shifted = tf.sub(logits, tf.max(logits, 1, true));
  const lse = tf.log(tf.sum(tf.exp(shifted), 1, true)); // [N, 1]
  const picked = tf.gather(tf.reshape(shifted, [n * vocab]), labelIndices(labels, vocab));
  save([shifted, lse, labels]);
  return {
    value: tf.sub(tf.reshape(lse, [n]), picked),
    gradFunc: (dy: tf.Tensor, [s, l, lab]: tf.Tensor[]) => {
      const d = tf.reshape(dy, [n, 1]);
      const probs = tf.mul(tf.exp(tf.sub(s, l)), d);
      // −dy at each row's label: a scatter of N values, not a dense one-hot.
      const atLabels = tf.scatterND(
        tf.stack([tf.range(0, n, 1, 'int32'), lab as tf.Tensor1D], 1),
        tf.reshape(dy, [n]),
        [n, vocab],
      );
      return [tf.sub(probs, atLabels), tf.zerosLike(lab)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** −log softmax(logits)[label] per row: logits [N, V], labels int32 [N] -> [N]; differentiable in the logits. */
export const tokenNll = (logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D =>
  rowNll(logits, labels) as tf.Tensor1D;

// Makes a registered tfjs backend the active one and proves it computes.
import * as tf from '@tensorflow/tfjs';

/** tf.setBackend only logs why a backend failed (console.warn) and returns false, so the warnings are
 *  captured while it runs to give the user the real reason. */
async function setBackendOrThrow(name: string): Promise<void> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } finally {
    console.warn = warn;
  }
  if (ok) return;
  const why = warnings
    .filter((w) => !w.startsWith('Initialization of backend'))
    .map((w) => w.split('\n')[0])
    .join('; ');
  throw new Error(why || `tfjs could not initialise the ${name} backend`);
}

/** Activates `name` and runs one small computation on it, so a backend that initialises but cannot
 *  compute (a broken driver, a lost device) is caught here rather than in the first training step. */
export async function activate(name: string): Promise<void> {
  await setBackendOrThrow(name);
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.sum(tf.mul(x, 2));
  const [v] = await y.data();
  tf.dispose([x, y]);
  if (v !== 12) throw new Error(`the ${name} backend computed 2·(1+2+3) = ${v}`);
}

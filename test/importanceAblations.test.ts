// The TaSL ablations of importance: without the uncertainty term (the sensitivity EMA alone) and without EMA smoothing
// (running means, uncertainty kept), on one weight over three steps, against the definitions worked by hand.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportanceTracker } from '../src/engine/kif/importance';
import { useBackend } from './helpers/tf';

beforeAll(() => useBackend('cpu'));

const params = [{ name: 'shared.weight', shape: [1] }];
const unit = [{ name: 'shared.weight', parts: [{ param: 'shared.weight' }], combine: 'mean' as const }];

async function score(metric: string, placement: 'device' | 'host'): Promise<number> {
  const tracker = new ImportanceTracker(params, { metric, skipFirstStep: false, placement });
  // w = 1, g = 2, 4, 1: I = |w·g| = 2, 4, 1.
  for (const g of [2, 4, 1]) {
    const [p, grad] = [tf.tensor([1]), tf.tensor([g])];
    tracker.update(new Map([['shared.weight', p]]), new Map([['shared.weight', grad]]));
    tf.dispose([p, grad]);
  }
  const s = (await tracker.unitScores(unit)).get('shared.weight')!;
  tracker.dispose();
  return s;
}

describe('importance ablations', () => {
  for (const placement of ['device', 'host'] as const) {
    it(`no-uncertainty (${placement}): Ī alone, 0.3 → 0.855 → 0.87675`, async () => {
      // Ī_1 = 0.15·2; Ī_2 = 0.85·0.3 + 0.15·4; Ī_3 = 0.85·0.855 + 0.15·1.
      expect(await score('no-uncertainty', placement)).toBeCloseTo(0.87675, 6);
    });
    it(`no-ema (${placement}): running means Ī = 2, 3, 7/3 and Ū = 0, 1/2, 7/9; s = Ī·Ū`, async () => {
      // Ū_2 = 0 + (|4 − 3| − 0)/2; Ū_3 = 1/2 + (|1 − 7/3| − 1/2)/3 = 7/9.
      expect(await score('no-ema', placement)).toBeCloseTo((7 / 3) * (7 / 9), 6);
    });
  }
  it('first-order keeps both: Ī·Ū with the EMAs', async () => {
    // Ī: 0.3, 0.855, 0.87675; Ū: 0.15·|2 − 0.3| = 0.255, 0.85·0.255 + 0.15·|4 − 0.855|, 0.85·Ū_2 + 0.15·|1 − 0.87675|.
    const u2 = 0.85 * 0.255 + 0.15 * Math.abs(4 - 0.855);
    const u3 = 0.85 * u2 + 0.15 * Math.abs(1 - 0.87675);
    expect(await score('first-order', 'device')).toBeCloseTo(0.87675 * u3, 6);
  });
});

// The parameter count and backend budget behind "can this browser train it" (the need is memoryBudget.ts's estimate),
// on a config small enough to count by hand, and the Hub list.
import { describe, expect, it } from 'vitest';
import { backendBudget } from '../src/engine/experiment/memoryBudget';
import { hubModels } from '../src/engine/model/hubModels';
import { paramCount } from '../src/engine/model/paramSpec';
import { tinyConfig } from './helpers/tf';

describe('training memory estimate', () => {
  const c = tinyConfig(); // vocab 13, d_model 8, 2 heads of 4, d_ff 12, 1+1 layers, 8 buckets, tied
  it('counts the parameters: 104 embedding + 488 encoder + 752 decoder', () => {
    // encoder: 4 attention matrices of 8 x 8, a 8 x 2 bias table, FFN 12 x 8 twice, 3 norms of 8;
    // decoder: 8 attention matrices, the bias table, the FFN, 4 norms.
    expect(paramCount(c)).toBe(13 * 8 + (256 + 16 + 192 + 24) + (512 + 16 + 192 + 32));
  });
  it("a backend gets its table's budget, never more than half the device memory the host reports", () => {
    expect(backendBudget('wasm', 16)).toBe(4 * 2 ** 30);
    expect(backendBudget('webgpu', 4)).toBe(2 * 2 ** 30);
    expect(backendBudget('webgl', 8)).toBe(2 * 2 ** 30); // the run's own check allows webgl 2 GiB: the list agrees
    expect(backendBudget('wasm', undefined)).toBe(4 * 2 ** 30);
    expect(backendBudget('no-such-backend', undefined)).toBe(2 * 2 ** 30);
  });
  it('lists the four Hub T5s the page offers, smallest first, each a resolve/main folder', () => {
    expect(hubModels.map((m) => m.id)).toEqual([
      'google/t5-efficient-tiny',
      'google/t5-efficient-mini',
      'google-t5/t5-small',
      'google/flan-t5-small',
    ]);
    for (const m of hubModels) expect(m.url).toBe(`https://huggingface.co/${m.id}/resolve/main/`);
    const params = hubModels.map((m) => paramCount(m.config));
    expect([...params].sort((a, b) => a - b)).toEqual(params);
    // t5-small: 60.5 M parameters as Hugging Face counts them (tied embeddings once).
    expect(params[2]).toBe(60_506_624);
  });
});

import { describe, expect, it } from 'vitest';
import { contrastRatio, readableOn } from '../src/app/heatmap/contrast';
import { viridis } from '../src/app/heatmap/colors';

describe('contrast', () => {
  it('matches WCAG reference ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    // #777777 on white is the well-known 4.48:1 that just fails AA.
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('rgb(119,119,119)', '#ffffff')).toBeCloseTo(contrastRatio('#777777', '#ffffff'), 10);
  });

  it('picks a text colour with at least 4.5:1 on every viridis stop the matrices use', () => {
    for (let i = 0; i <= 100; i++) {
      const bg = viridis(i / 100);
      expect(contrastRatio(readableOn(bg), bg)).toBeGreaterThanOrEqual(4.5);
    }
    expect(readableOn('#ffffff')).toBe('#000000');
    expect(readableOn('#000000')).toBe('#ffffff');
  });
});

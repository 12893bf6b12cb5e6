import { describe, expect, it } from 'vitest';
import { strayFragmentMessage } from '../src/app/persist/lastSpec';

describe('strayFragmentMessage', () => {
  it('says why a fragment that is no share link opened something else', () => {
    expect(strayFragmentMessage('#garbage', 'the default experiment')).toBe(
      'This link\'s ending "#garbage" holds no experiment (a share link\'s ends in "#spec=…"), so the default experiment is open instead.',
    );
    expect(strayFragmentMessage('#' + 'x'.repeat(50), 'it')).toContain(`"#${'x'.repeat(40)}…"`);
  });

  it('says nothing for a bare URL', () => {
    expect(strayFragmentMessage('', 'the default experiment')).toBeNull();
    expect(strayFragmentMessage('#', 'the default experiment')).toBeNull();
  });
});

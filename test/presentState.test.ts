import { describe, expect, it } from 'vitest';
import {
  captionFor,
  embedSnippet,
  PRESENT_STEPS,
  readPresent,
  tellsStory,
  writePresent,
} from '../src/app/present/presentState';

describe('present state in the query string', () => {
  it('round-trips step and hidden parts, keeping other parameters', () => {
    const search = writePresent('?fault=x', { step: 2, hide: ['controls', 'share'] });
    expect(search).toBe('?fault=x&present=3&hide=controls,share');
    expect(readPresent(search)).toEqual({ step: 2, hide: ['controls', 'share'] });
    expect(writePresent(search, { step: null, hide: [] })).toBe('?fault=x');
  });

  it('reads a bad step as the first one and ignores unknown parts', () => {
    expect(readPresent('?present=9&hide=editor,captions,captions')).toEqual({ step: 0, hide: ['captions'] });
    expect(readPresent('?present=abc')).toEqual({ step: 0, hide: [] });
    expect(readPresent('')).toEqual({ step: null, hide: [] });
  });

  it('captions name the tasks and the embed snippet quotes its URL', () => {
    expect(captionFor(PRESENT_STEPS[1], ['rvsh', 'shso'])).toContain('Trained on shso alone');
    expect(embedSnippet('https://x/?present=1&a="b"')).toContain('src="https://x/?present=1&a=&quot;b&quot;"');
  });

  it('tells the story task by task (pauses, one strategy at a time) only while presenting with controls and captions', () => {
    expect(tellsStory(readPresent('?present=2'))).toBe(true);
    expect(tellsStory(readPresent('?present=2&hide=share'))).toBe(true);
    expect(tellsStory(readPresent(''))).toBe(false);
    // An embed without a Continue button plays through, side by side where the switch says so.
    expect(tellsStory(readPresent('?present=1&hide=controls'))).toBe(false);
    expect(tellsStory(readPresent('?present=1&hide=captions'))).toBe(false);
  });
});

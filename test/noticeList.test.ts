import { describe, expect, it } from 'vitest';
import { addNotice, MAX_ERRORS, type Notice } from '../src/app/notices/noticeList';

const info = (text: string): Notice => ({ kind: 'info', text });
const error = (text: string): Notice => ({ kind: 'error', text });

describe('addNotice', () => {
  it('shows the same message once, however often it comes', () => {
    let list: Notice[] = [];
    for (let i = 0; i < 3; i++) list = addNotice(list, error('This link is damaged.'));
    expect(list).toEqual([error('This link is damaged.')]);
  });

  it('keeps one piece of news, the newest, beside the problems', () => {
    let list = addNotice([], info('Opened "A" from the link.'));
    list = addNotice(list, error('The results were left out.'));
    list = addNotice(list, info('Copied the link.'));
    expect(list).toEqual([error('The results were left out.'), info('Copied the link.')]);
  });

  it('keeps the newest problems up to the limit', () => {
    let list: Notice[] = [];
    for (let i = 0; i < MAX_ERRORS + 2; i++) list = addNotice(list, error(`problem ${i}`));
    expect(list.map((n) => n.text)).toEqual(Array.from({ length: MAX_ERRORS }, (_, i) => `problem ${i + 2}`));
  });
});

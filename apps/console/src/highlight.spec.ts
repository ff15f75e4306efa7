import { describe, expect, it } from 'vitest';
import { segmentText } from './highlight';

describe('segmentText', () => {
  it('splits overlapping spans and keeps every character once', () => {
    const text = 'abcdefghij';
    const segs = segmentText(text, [
      { start: 2, end: 6 },
      { start: 4, end: 8 },
    ]);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.map((s) => [s.text, s.spans])).toEqual([
      ['ab', []],
      ['cd', [0]],
      ['ef', [0, 1]],
      ['gh', [1]],
      ['ij', []],
    ]);
  });

  it('uses UTF-16 offsets, so CJK and astral characters stay intact', () => {
    const text = '延长至 2021 年 6 月 30 日 😀 end';
    const start = text.indexOf('2021');
    const end = text.indexOf('日') + 1;
    const segs = segmentText(text, [{ start, end }]);
    expect(segs.find((s) => s.spans.length)?.text).toBe('2021 年 6 月 30 日');
  });

  it('clamps spans outside the text and ignores empty ones', () => {
    const segs = segmentText('abc', [{ start: -5, end: 99 }, { start: 1, end: 1 }]);
    expect(segs).toEqual([{ start: 0, end: 3, text: 'abc', spans: [0] }]);
  });
});

import { describe, expect, it } from 'vitest';
import { segmentText } from './highlight';
import { countdownText, formatDate, undocsUrl, urgency } from './format';

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

describe('format', () => {
  it('formats dates like the emails do', () => {
    expect(formatDate('2021-06-30')).toBe('30 June 2021');
    expect(formatDate('2020-01-05')).toBe('5 January 2020');
  });
  it('colours countdowns by urgency', () => {
    expect(urgency(-1)).toBe('expired');
    expect(urgency(3)).toBe('critical');
    expect(urgency(20)).toBe('high');
    expect(urgency(60)).toBe('medium');
    expect(urgency(200)).toBe('low');
    expect(countdownText(1)).toBe('1 day left');
  });
  it('URL-encodes document symbols', () => {
    expect(undocsUrl('S/RES/2531 (2020)')).toBe('https://undocs.org/S%2FRES%2F2531%20(2020)');
  });
});

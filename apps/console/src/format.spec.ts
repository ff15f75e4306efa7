import { describe, expect, it } from 'vitest';
import { countdownText, formatDate, isoToUtcInput, textLang, undocsUrl, urgency, utcInputToIso } from './format';

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

describe('UTC datetime inputs', () => {
  it('round-trips an instant through a datetime-local value read as UTC', () => {
    expect(isoToUtcInput('2021-06-01T09:00:00.000Z')).toBe('2021-06-01T09:00');
    expect(utcInputToIso('2021-06-01T09:00')).toBe('2021-06-01T09:00:00.000Z');
    expect(utcInputToIso('')).toBe('');
    expect(utcInputToIso('2021-13-01T09:00')).toBe('');
  });
  it('tags Chinese document text, and nothing else, as zh-Hans', () => {
    expect(textLang('将马里稳定团的任务期限延长至 2021 年 6 月 30 日')).toBe('zh-Hans');
    expect(textLang('第 2531(2020)号决议 S/RES/2531 (2020)')).toBe('zh-Hans');
    expect(textLang('extends the mandate of MINUSMA until 30 June 2021')).toBeUndefined();
    expect(textLang('MINUSMA (马里稳定团) was extended until 30 June 2021 by the Council')).toBeUndefined(); // mostly English
    expect(textLang('国際連合マリ多元統合安定化ミッション')).toBeUndefined(); // Japanese (kana)
    expect(textLang('')).toBeUndefined();
  });
});

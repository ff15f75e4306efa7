import { describe, expect, it } from 'vitest';
import { addDays, addMonths, parseEnDate, parseZhDate } from '#libs/domain';
import { readLayout } from './layout.js';
import { compactZh, findDates, findSymbols, parseCount, parseParagraphs } from './zh-text.js';

describe('Chinese text helpers', () => {
  it('finds dates with any spacing, with and without a year', () => {
    const t = '2020 年 1 月 15 日、2020年10月15日和 6 月 29 日';
    expect(findDates(t).map((d) => [d.year, d.month, d.day, t.slice(d.start, d.end)])).toEqual([
      [2020, 1, 15, '2020 年 1 月 15 日'],
      [2020, 10, 15, '2020年10月15日'],
      [null, 6, 29, '6 月 29 日'],
    ]);
  });

  it('finds symbols in their Chinese and English shapes', () => {
    const t = '第 2531(2020)号决议、S/RES/2541(2020)、S/PRST/2020/10、S/PV.8703 和 S/2019/983';
    expect(findSymbols(t).map((s) => s.canonical)).toEqual(['S/RES/2531 (2020)', 'S/RES/2541 (2020)', 'S/PRST/2020/10', 'S/PV.8703', 'S/2019/983']);
  });

  it('reads paragraph citations and counts', () => {
    expect(parseParagraphs('第 2531(2020)号决议，第 16 和 18 段')).toEqual(['16', '18']);
    expect(parseParagraphs('同上，第 3、4 至 6 段')).toEqual(['3', '4', '5', '6']);
    expect(parseParagraphs('见第二部分')).toEqual([]);
    expect([parseCount('4'), parseCount('两'), parseCount('十二'), parseCount('二十'), parseCount('许多')]).toEqual([4, 2, 12, 20, null]);
  });

  it('compacts spacing around CJK only', () => {
    expect(compactZh('在 2021 年 3 月 31 日前 提交  S/2020/1 号')).toBe('在2021年3月31日前提交S/2020/1号');
    expect(compactZh('Je Klere 基金会')).toBe('Je Klere基金会');
  });

  it('sets footnote blocks and link lines aside, keeping wrapped footnotes whole', () => {
    const t = ['正文第一行', '__________________ ', '', ' 12 第一条脚注的', '', '续行。 ', ' 13 见 S/PV.1。 ', 'https://undocs.org/ch/S/PV.1', '正文继续。'].join('\n');
    const layout = readLayout(t);
    expect(layout.lines.map((l) => l.text.trim())).toEqual(['正文第一行', '正文继续。']);
    expect([...layout.footnotes.values()].map((f) => [f.number, f.text])).toEqual([
      [12, '第一条脚注的续行。'],
      [13, '见 S/PV.1。'],
    ]);
  });
});

describe('domain date helpers', () => {
  it('parses and shifts calendar dates', () => {
    expect(parseZhDate('6 月 29 日', 2020)).toBe('2020-06-29');
    expect(parseZhDate('２０２１年２月３０日')).toBeNull();
    expect(parseEnDate('30 June 2021')).toBe('2021-06-30');
    expect(parseEnDate('June 30, 2021')).toBe('2021-06-30');
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
    expect(addMonths('2020-10-15', 12)).toBe('2021-10-15');
    expect(addMonths('2020-12-15', -13)).toBe('2019-11-15');
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
  });
});

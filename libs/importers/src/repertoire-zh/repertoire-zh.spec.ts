import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImportedFact } from '../types.js';
import { toEvents } from '../to-events.js';
import { readLayout } from './layout.js';
import { parseRepertoireZh } from './parse.js';
import { compactZh, findSymbols } from './zh-text.js';

const SAMPLE = 'libs/importers/samples/repertoire-2020-mali-haiti.zh.txt';
const EXPECTED = 'libs/importers/test-fixtures/repertoire-2020-mali-haiti.expected.json';

const text = readFileSync(SAMPLE, 'utf8');
const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as {
  facts: Array<Record<string, unknown>>;
  warnings: Array<{ code: string; count: number }>;
};

function keyOf(f: Record<string, unknown>): string {
  return [f.kind, f.meetingId ?? f.symbol ?? f.mandateId ?? '', f.decision ?? '', f.dueOn ?? ''].join('|');
}
const withoutSource = (facts: ImportedFact[]) =>
  facts.map(({ source: _s, ...rest }) => rest as Record<string, unknown>).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));

/** The quote as a reader sees it: footnote blocks and link lines out, whitespace removed. */
function readable(quote: string): string {
  return compactZh(readLayout(quote).lines.map((l) => l.text).join(' '));
}
const zhDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return { full: `${y}年${m}月${d}日`, monthDay: `${m}月${d}日` };
};

describe('parseRepertoireZh on the 2020 Mali/Haiti excerpt', () => {
  const result = parseRepertoireZh(text);

  it('extracts exactly the reviewed facts', () => {
    const want = [...expected.facts].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    expect(withoutSource(result.facts)).toEqual(want);
  });

  it('counts by kind', () => {
    const counts: Record<string, number> = {};
    for (const f of result.facts) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    expect(counts).toEqual({ videoconference: 8, meeting: 5, decision: 3, mandate_extended: 4, report_request: 1 });
  });

  it('warns about what the excerpt leaves open, and nothing else', () => {
    const counts: Record<string, number> = {};
    for (const w of result.warnings) counts[w.code] = (counts[w.code] ?? 0) + 1;
    expect(counts).toEqual(Object.fromEntries(expected.warnings.map((w) => [w.code, w.count])));
    for (const w of result.warnings) if (w.source) expect(w.source.quote).toBe(text.slice(w.source.start, w.source.end));
  });

  it('never files the previous section\'s videoconferences under Mali', () => {
    for (const id of ['s-2020-686', 's-2020-879', 's-2020-1108', 's-2020-1129']) {
      const f = result.facts.find((x) => 'meetingId' in x && x.meetingId === id) as Extract<ImportedFact, { kind: 'videoconference' }>;
      expect(f.agendaItem).toBe('unknown-agenda-item');
    }
  });

  it('cites every fact in the original text, and the quote holds the key values', () => {
    for (const f of result.facts) {
      const { start, end, quote } = f.source;
      expect(quote, keyOf(f)).toBe(text.slice(start, end));
      expect(quote.trim()).toBe(quote);
      const seen = readable(quote);
      const symbols = findSymbols(seen).map((s) => s.canonical);
      switch (f.kind) {
        case 'meeting':
        case 'videoconference': {
          expect(seen).toContain(zhDate(f.date).monthDay);
          const record = f.symbol ?? f.record!;
          // A meeting known from the narrative names its record in a footnote, outside the sentence.
          if (f.subItem !== null || f.speakers.length || f.outcome || f.kind === 'videoconference') expect(symbols).toContain(record);
          if (f.recordDate) expect(seen).toContain(zhDate(f.recordDate).monthDay);
          if (f.outcome) expect(symbols).toContain(f.outcome);
          break;
        }
        case 'decision':
          expect(symbols).toContain(f.symbol);
          expect(seen).toContain(zhDate(f.adoptedOn).full);
          break;
        case 'mandate_extended':
          expect(seen).toContain(zhDate(f.until).full);
          if (f.period) expect(seen).toContain(f.period);
          break;
        case 'report_request':
          expect(seen).toContain(zhDate(f.dueOn).full);
          break;
        default:
          throw new Error(`unexpected kind ${f.kind}`);
      }
    }
  });

  it('reads the date split across a page break with footnotes and links in between', () => {
    const f = result.facts.find((x) => x.kind === 'mandate_extended' && x.mandateId === 'mali-sanctions')!;
    expect(f.source.quote).toContain('延长至 2021 年 8\n__________________');
    expect(f.source.quote.endsWith(' 月 31 日')).toBe(true);
    expect(f.source.quote).toContain('https://undocs.org/ch/S/RES/2531(2020)');
  });

  it('becomes valid domain events, one per fact', () => {
    const warnings: typeof result.warnings = [];
    const events = toEvents(result, warnings);
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(result.facts.length);
    const types = events.map((e) => e.type).sort();
    expect(new Set(types)).toEqual(new Set(['MeetingHeld', 'DecisionAdopted', 'MandateExtended', 'ReportRequested']));
    const minusma = events.find((e) => e.type === 'MandateExtended' && e.streamId === 'mandate-minusma')!;
    expect(minusma.data).toMatchObject({ until: '2021-06-30', decision: 'S/RES/2531 (2020)' });
    const prst = events.find((e) => e.type === 'DecisionAdopted' && e.streamId === 'decision-s-prst-2020-10')!;
    expect(prst.data).toMatchObject({ kind: 'presidential_statement', adoptedOn: '2020-10-15', meeting: 'S/PV.8769' });
  });

  it('is deterministic', () => {
    expect(parseRepertoireZh(text)).toEqual(result);
  });
});

// A synthetic but realistic excerpt: other section, other spacing, rows wrapped otherwise, a
// year omitted across a year end, full-width digits, an unknown mission.
const SYNTHETIC = [
  ' 视频会议日期 视频会议记录 标题 ',
  '',
  '2020年12月30日 S/2020/1300 1 月 4 日安全理事会主席给秘书长和安全理事会成员国常驻代表的信  ',
  '',
  '5.  中非共和国局势 ',
  '',
  ' 在本文件所述期间，安理会就题为“中非共和国局势”的项目举行了 2 次会议。401 11 月 12 日，安理会',
  '',
  '一致通过第 2552(2020)号决议，将中非稳定团的任务期限延长至2021年11月15日。402 ',
  '',
  '安理会还将专家小组的任务期限延长至 ２０２１ 年 ８ 月 31 日。403 此外，安理会请秘书长',
  '',
  '在2021年6月15日前提交一份关于选举的报告。404 此前，第 2499(2019)号决议将中非稳定团的任务期限延长至 2020 年 11 月 15 日。安理会还将联合国火星观察团的任务期',
  '__________________ ',
  '',
  ' 401 关于会议形式的更多信息，见第二部分，第二节。 ',
  '',
  ' 402 第 2552(2020)号决议，第 28 和 29 段。关于中非稳定团的任务的更',
  '',
  '多信息，见第十部分，第一节。 ',
  '',
  ' 403 第 2536(2020)号决议，第 4 段。 ',
  '',
  ' 404 第 2552(2020)号决议，第 50 段。 ',
  'https://undocs.org/ch/S/RES/2552(2020)',
  '限延长至 2021 年 1 月 31 日。 ',
  '',
  '表 1 ',
  '',
  '会议：中非共和国局势 ',
  '',
  '会议记录和日期 分项 其他文件 ',
  '',
  'S/PV.8790 2020年11月12日 秘书长关于中非共和国的报告(S/2020/994) ',
  '',
  ' 中非共和国 秘书长特别代表 ',
  '',
  '15 个安理会成员、所有受邀者 ',
  '',
  'S/PV.8791 ',
  '',
  '2020 年 11 月 13 日 ',
  '',
  '     第 2552(2020)号决议 ',
  '',
  '15-0-0 ',
  '',
  '(根据第七章通过) ',
  '',
  ' a 说明。 ',
  ' 表 2 ',
  '',
  '视频会议：中非共和国局势 ',
  '',
  '视频会议日期 视频会议记录 标题 ',
  '',
  '2020 年 7 月 28 日 S/2020/751 2020 年 7 月 30 日安全理事会主席给秘书长和安全',
  '',
  '理事会成员国常驻代表的信 ',
  '',
  '第 2536(2020)号决议 ',
  '',
  '13-0-2 ',
  '',
  '(根据第七章通过) ',
  '',
  'S/2020/740 ',
].join('\n');

describe('parseRepertoireZh reads the genre, not one file', () => {
  const result = parseRepertoireZh(SYNTHETIC);
  const find = <K extends ImportedFact['kind']>(kind: K, pred: (f: Extract<ImportedFact, { kind: K }>) => boolean) =>
    result.facts.find((f) => f.kind === kind && pred(f as Extract<ImportedFact, { kind: K }>)) as Extract<ImportedFact, { kind: K }> | undefined;

  it('resolves an omitted year across a year end', () => {
    const vc = find('videoconference', (f) => f.meetingId === 's-2020-1300')!;
    expect(vc).toMatchObject({ date: '2020-12-30', recordDate: '2021-01-04', agendaItem: 'unknown-agenda-item' });
  });

  it('reads a meeting row with the date on the record line, and list cells', () => {
    const m = find('meeting', (f) => f.meetingId === 's-pv-8790')!;
    expect(m).toMatchObject({
      date: '2020-11-12',
      agendaItem: 'situation-in-the-central-african-republic',
      subItem: '秘书长关于中非共和国的报告(S/2020/994)',
      documents: ['S/2020/994'],
      rule37: ['中非共和国'],
      rule39: ['秘书长特别代表'],
      speakers: ['15 个安理会成员', '所有受邀者'],
      format: 'briefing',
    });
    const adoption = find('meeting', (f) => f.meetingId === 's-pv-8791')!;
    expect(adoption).toMatchObject({ format: 'adoption', outcome: 'S/RES/2552 (2020)' });
  });

  it('reads votes with abstentions from a differently wrapped videoconference row', () => {
    const d = find('decision', (f) => f.symbol === 'S/RES/2536 (2020)')!;
    expect(d).toMatchObject({ adoptedOn: '2020-07-28', vote: { for: 13, against: 0, abstaining: 2 }, chapterVII: true, writtenProcedureRecord: 'S/2020/740', meeting: 'S/2020/751' });
  });

  it('flags a narrative date that contradicts the table', () => {
    // The narrative says 11 月 12 日 for 2552; the table has it adopted at S/PV.8791 on 13 November.
    expect(result.warnings.some((w) => w.code === 'CONFLICTING_DATES' && w.message.includes('S/RES/2552 (2020)'))).toBe(true);
  });

  it('reads extensions with compact and full-width dates and resolves mandates in context', () => {
    expect(find('mandate_extended', (f) => f.mandateId === 'minusca')).toMatchObject({ until: '2021-11-15', decision: 'S/RES/2552 (2020)', paragraphs: ['28', '29'] });
    expect(find('mandate_extended', (f) => f.mandateId === 'car-panel-of-experts')).toMatchObject({ until: '2021-08-31', decision: 'S/RES/2536 (2020)', paragraphs: ['4'], adoptedOn: '2020-07-28' });
    expect(find('report_request', () => true)).toMatchObject({ dueOn: '2021-06-15', decision: 'S/RES/2552 (2020)', paragraphs: ['50'], mandateId: 'minusca' });
  });

  it('attributes a recalled extension to the decision the sentence names', () => {
    expect(find('mandate_extended', (f) => f.decision === 'S/RES/2499 (2019)')).toMatchObject({ mandateId: 'minusca', until: '2020-11-15', adoptedOn: null, paragraphs: [] });
  });

  it('reads 延长了<mandate>…，至 and period phrases', () => {
    const r = parseRepertoireZh(
      '9.  中东局势 \n\n 8 月 28 日，安理会一致通过第 2539(2020)号决议，延长了联黎部队的任务期限，至 2021 年 8 月 31 日。\n安理会还将观察员部队的任务期限延长六个月，至 2020 年 12 月 31 日。\n',
    );
    const ext = r.facts.filter((f) => f.kind === 'mandate_extended');
    expect(ext).toEqual([
      expect.objectContaining({ mandateId: 'unifil', until: '2021-08-31', decision: 'S/RES/2539 (2020)', period: null }),
      expect.objectContaining({ mandateId: 'undof', until: '2020-12-31', decision: 'S/RES/2539 (2020)', period: '延长六个月' }),
    ]);
    // No table in this snippet: the narrative's adoption (with its date, year from context) is recorded.
    expect(r.facts.find((f) => f.kind === 'decision')).toMatchObject({ symbol: 'S/RES/2539 (2020)', adoptedOn: '2020-08-28', vote: null, chapterVII: false });
    expect(ext.every((f) => f.kind === 'mandate_extended' && f.adoptedOn === '2020-08-28')).toBe(true);
  });

  it('warns about an unknown mandate instead of failing', () => {
    const w = result.warnings.find((x) => x.code === 'UNRESOLVED_MANDATE')!;
    expect(w.message).toContain('联合国火星观察团');
    expect(w.source!.quote).toBe(SYNTHETIC.slice(w.source!.start, w.source!.end));
    expect(result.facts.some((f) => f.kind === 'mandate_extended' && f.until === '2021-01-31')).toBe(false);
  });

  it('keeps every span exact', () => {
    for (const f of result.facts) expect(f.source.quote).toBe(SYNTHETIC.slice(f.source.start, f.source.end));
  });

  it('reads an unknown agenda item as its own slug, with a warning', () => {
    const r = parseRepertoireZh('7.  火星局势 \n\n2020 年 3 月 3 日 S/2020/171 3 月 5 日安全理事会主席给秘书长和安全理事会成员国常驻代表的信 \n');
    const vc = r.facts[0] as Extract<ImportedFact, { kind: 'videoconference' }>;
    expect(vc.agendaItem).toMatch(/^agenda-zh-[0-9a-f]{8}$/);
    expect(r.warnings.map((w) => w.code)).toContain('UNRESOLVED_AGENDA_ITEM');
  });
});

describe('parseRepertoireZh on hostile input', () => {
  function hostile(size: number): string {
    // Deterministic pseudo-random mix of the tokens the parser reacts to.
    const pieces = ['延长至', '2021 年 ', '8 月 ', '31 日', '。', '第 2531(2020)号决议', 'S/PV.', '8703', '\n', '__________________\n', ' 346 见 ', '请秘书长', '12.  马里局势\n', '表 1\n', '会议：', '     ', 'https://undocs.org/x\n', '(', '号', '将马里稳定团的任务期限', '2020 年 6 月 29 日 S/2020/625 ', '的信', '、a', '专家小组'];
    let seed = 42;
    const out: string[] = [];
    let length = 0;
    while (length < size) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const p = pieces[seed % pieces.length];
      out.push(p);
      length += p.length;
    }
    return out.join('');
  }

  it('parses 5 MB of token soup within seconds, without throwing', () => {
    const input = hostile(5_000_000);
    const t0 = performance.now();
    const r = parseRepertoireZh(input);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(8000);
    expect(r.warnings.length).toBeGreaterThan(0);
    expect(r.warnings.length).toBeLessThanOrEqual(201);
    for (const f of r.facts.slice(0, 200)) expect(f.source.quote).toBe(input.slice(f.source.start, f.source.end));
  });

  it('parses 5 MB without a single line break or full stop', () => {
    const input = '马里稳定团延长至 2021 年 '.repeat(5_000_000 / 16) + 'S/PV.'.repeat(1000);
    const t0 = performance.now();
    const r = parseRepertoireZh(input);
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(Array.isArray(r.facts)).toBe(true);
  });

  it('handles empty and whitespace-only text', () => {
    expect(parseRepertoireZh('').facts).toEqual([]);
    expect(parseRepertoireZh('\n\n   \n').facts).toEqual([]);
  });
});
